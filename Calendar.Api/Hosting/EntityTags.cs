namespace Calendar.Api.Hosting;

/// <summary>If-None-Match, read the one way the feeds and the list both need (RFC 9110 13.1.2: weak comparison,
/// any of a list, or *), without allocating a parsed header on a feed's hot path.</summary>
public static class EntityTags
{
    /// <summary>Whether If-None-Match names <paramref name="opaque"/> (the tag without quotes). With
    /// <paramref name="anyEncoding"/>, a "-gzip"/"-br" suffix on the client's tag is ignored: every encoding of the
    /// same content matches.</summary>
    public static bool IfNoneMatch(HttpRequest request, string opaque, bool anyEncoding = false)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "*") return true;
                var tag = (part.StartsWith("W/", StringComparison.Ordinal) ? part.AsSpan(2) : part.AsSpan()).Trim('"');
                if (anyEncoding && tag.IndexOf('-') is var dash and >= 0) tag = tag[..dash];
                if (tag.SequenceEqual(opaque)) return true;
            }
        }
        return false;
    }
}
