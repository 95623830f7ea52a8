using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Calendar.Api.Endpoints;

/// <summary>A rendered page of GET /api/events: its JSON bytes, its ETag (a digest of the bytes, so every
/// instance gives the same one), and the instant until which it stays right.</summary>
public sealed record CachedList(byte[] Body, string ETag, DateTime ValidUntil);

/// <summary>
/// Rendered list pages in memory per (data version, canonical query), bounded in bytes, like <see cref="FeedCache"/>.
/// A page that starts "now" is right until the first of its occurrences ends: until then nothing leaves the
/// matching set, and nothing can enter it without a write, which changes the version. So an entry is served
/// only while the request's own "now" is before its <see cref="CachedList.ValidUntil"/>.
/// </summary>
public sealed class ListCache(long sizeLimitBytes) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedList>>> _rendering = new(StringComparer.Ordinal);

    /// <summary>The cached page if it is still right at <paramref name="now"/>, else the one <paramref name="render"/>
    /// makes; concurrent requests for one key share a rendering that no single request can cancel.</summary>
    public async Task<CachedList> GetOrRenderAsync(string key, DateTime now, Func<Task<CachedList>> render, CancellationToken ct)
    {
        if (_cache.TryGetValue(key, out CachedList? hit) && hit!.ValidUntil > now) return hit;
        var lazy = _rendering.GetOrAdd(key, _ => new Lazy<Task<CachedList>>(render));
        try
        {
            var page = await lazy.Value.WaitAsync(ct);
            if (page.ValidUntil > now)
            {
                _cache.Set(key, page, new MemoryCacheEntryOptions
                {
                    Size = page.Body.Length + key.Length * 2 + 256,
                    SlidingExpiration = TimeSpan.FromMinutes(10),
                });
                return page;
            }
        }
        finally
        {
            _rendering.TryRemove(new KeyValuePair<string, Lazy<Task<CachedList>>>(key, lazy));
        }
        // A shared rendering made for an earlier instant whose first occurrence has ended meanwhile: not for us.
        return await render();
    }

    public void Dispose() => _cache.Dispose();
}
