using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Hosting;

/// <summary>
/// Reads a JSON request body into T with every failure turned into a 4xx problem naming what is wrong:
/// wrong content type (415), too large (413), malformed JSON or a value of the wrong type (400, with the
/// field's JSON path). Minimal API's own binding would answer some of these without saying which field.
/// </summary>
public sealed class JsonBody(IOptions<CalendarOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request) where T : class
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (!request.HasJsonContentType())
            return new(null, TypedResults.Problem(statusCode: 415, title: "Unsupported content type",
                detail: "Send the body as application/json."));
        if (request.ContentLength > limit)
            return TooLarge<T>(limit);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = limit;

        try
        {
            await using var limited = new LimitedStream(request.Body, limit);
            var value = await JsonSerializer.DeserializeAsync<T>(limited, json.Value.SerializerOptions, request.HttpContext.RequestAborted);
            return value is null
                ? new(null, Problems.Validation(new Dictionary<string, string[]> { ["$"] = ["The body must be a JSON object."] }))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldFromPath(ex.Path);
            return new(null, Problems.Validation(new Dictionary<string, string[]>
            {
                [field] = [ex.Path is null or "$"
                    ? "The body is not valid JSON."
                    : IsDuplicate(ex)
                        ? $"'{field}' is given more than once; give each member once."
                        : $"'{field}' has a value of the wrong type or is malformed."],
            }, "The body could not be read as JSON."));
        }
        catch (BodyTooLargeException)
        {
            return TooLarge<T>(limit);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge<T>(limit);
        }
    }

    // Repeated members are refused by the serializer (AllowDuplicateProperties = false in the JSON options);
    // its exception has no type of its own, only its message says so.
    private static bool IsDuplicate(JsonException ex) =>
        ex.Message.Contains("uplicate", StringComparison.Ordinal) || ex.InnerException?.Message.Contains("uplicate", StringComparison.Ordinal) == true;

    private static BodyResult<T> TooLarge<T>(long limit) where T : class =>
        new(null, TypedResults.Problem(statusCode: 413, title: "Request body too large",
            detail: $"The body may have at most {limit:N0} bytes."));

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return trimmed.Length == 0 ? "$" : trimmed;
    }

    private sealed class BodyTooLargeException : IOException;

    /// <summary>Stops reading past the limit even when no Content-Length was sent (chunked bodies).</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw new BodyTooLargeException();
            return n;
        }
    }
}

public sealed record BodyResult<T>(T? Value, IResult? Problem) where T : class;
