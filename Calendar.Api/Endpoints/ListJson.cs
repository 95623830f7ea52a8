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

    public static byte[] Write(EventPage page)
    {
        // A fresh buffer per page (below the large-object threshold): a per-thread one would be static state.
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            Default.EventPage.SerializeHandler!(writer, page);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
