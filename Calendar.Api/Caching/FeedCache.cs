using System.IO.Compression;
using Microsoft.Extensions.Caching.Memory;

namespace Calendar.Api.Caching;

/// <summary>A rendered feed: its bytes, validators, and compressed forms made once on first demand.</summary>
public sealed class RenderedFeed(byte[] identity, string tag, DateTime lastModified, string contentType = "text/calendar; charset=utf-8")
{
    private byte[]? _gzip, _brotli;

    public byte[] Identity { get; } = identity;
    /// <summary>Opaque part of the ETag; each encoding appends its own suffix.</summary>
    public string Tag { get; } = tag;
    public DateTime LastModified { get; } = lastModified;
    /// <summary>iCalendar, RSS or Atom: kept with the bytes, so the last version served in an outage keeps its type.</summary>
    public string ContentType { get; } = contentType;
    /// <summary>Set while this rendering is its feed's remembered last version, so the hot path skips the lookup.</summary>
    internal volatile bool RememberedAsLast;

    public byte[] Gzip => _gzip ??= Compress(Identity, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));
    public byte[] Brotli => _brotli ??= Compress(Identity, s => new BrotliStream(s, CompressionLevel.Optimal, leaveOpen: true));

    private static byte[] Compress(byte[] data, Func<Stream, Stream> open)
    {
        using var output = new MemoryStream(data.Length / 4 + 64);
        using (var compressor = open(output)) compressor.Write(data);
        return output.ToArray();
    }
}

/// <summary>
/// Rendered feeds in memory per (feed, data version), bounded by size in bytes. An entry whose version is
/// superseded is never asked for again and ages out. Only a cache: every instance renders the same bytes
/// from the database, so nothing here needs sharing.
/// </summary>
public sealed class FeedCache(long sizeLimitBytes) : IDisposable
{
    private readonly RenderCache<RenderedFeed> _feeds = new(sizeLimitBytes, (_, feed) => Size(feed), TimeSpan.FromMinutes(30));
    // The newest rendering of each feed, whatever its version, without expiry: what subscribers get while the
    // database is out of reach. Bounded in bytes like the main cache (mostly the same objects).
    private readonly MemoryCache _last = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });

    /// <summary>Remembers <paramref name="feed"/> as the newest rendering of <paramref name="feedKey"/> (feed and base URL).</summary>
    public void RememberLast(string feedKey, RenderedFeed feed)
    {
        if (feed.Tag.Length == 0 || feed.RememberedAsLast) return;
        if (_last.TryGetValue(feedKey, out RenderedFeed? known) && (ReferenceEquals(known, feed) || known!.LastModified > feed.LastModified)) return;
        var entry = new MemoryCacheEntryOptions { Size = Size(feed) };
        // Evicted or replaced: the next request for this rendering remembers it again.
        entry.RegisterPostEvictionCallback(static (_, value, _, _) => ((RenderedFeed)value!).RememberedAsLast = false);
        _last.Set(feedKey, feed, entry);
        feed.RememberedAsLast = true;
    }

    /// <summary>Room for the identity bytes and the compressed forms (about a third of the identity size together).</summary>
    private static long Size(RenderedFeed feed) => feed.Identity.Length + feed.Identity.Length / 3 + 256;

    /// <summary>The newest rendering this instance served for <paramref name="feedKey"/>, if any.</summary>
    public RenderedFeed? Last(string feedKey) => _last.TryGetValue(feedKey, out RenderedFeed? feed) ? feed : null;

    /// <summary>The cached feed, or the one <paramref name="render"/> makes; concurrent requests for the same
    /// key share one rendering, which no single request can cancel (each waiter stops waiting on its own token).
    /// A null rendering (not found), or one without a tag (data changed meanwhile), is not cached.</summary>
    public async Task<RenderedFeed?> GetOrRenderAsync(string key, Func<Task<RenderedFeed?>> render, CancellationToken ct) =>
        _feeds.TryGet(key, out var hit) ? hit : await _feeds.RenderAsync(key, render, feed => feed.Tag.Length > 0, ct);

    public void Dispose()
    {
        _feeds.Dispose();
        _last.Dispose();
    }
}
