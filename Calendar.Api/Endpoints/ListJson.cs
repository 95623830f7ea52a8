using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Calendar.Api.Endpoints;

/// <summary>
/// The list page's JSON, written by source-generated code instead of the reflection-based serializer (a seventh of the
/// service's CPU on an uncached page; ListPathBenchmarks compares both). The generated code runs on a writer with the
/// API's own escaping (ASP.NET Core's: only what JSON needs), so the bytes are those the API's serializer writes;
/// a test compares both.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(EventPage))]
internal sealed partial class ListJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    public static byte[] Write(EventPage page)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            Default.EventPage.SerializeHandler!(writer, page);
        }
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024) _buffer = null; // one huge page does not stay with the thread
        return bytes;
    }
}
