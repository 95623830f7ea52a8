
namespace Calendar.Api.Caching;

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
    private readonly RenderCache<CachedList> _pages = new(sizeLimitBytes, (key, page) => page.Body.Length + key.Length * 2 + 256, TimeSpan.FromMinutes(10));

    /// <summary>The cached page if it is still right at <paramref name="now"/>, else the one <paramref name="render"/>
    /// makes; concurrent requests for one key share a rendering that no single request can cancel.</summary>
    public async Task<CachedList> GetOrRenderAsync(string key, DateTime now, Func<Task<CachedList>> render, CancellationToken ct)
    {
        if (_pages.TryGet(key, out var hit) && hit!.ValidUntil > now) return hit;
        var page = await _pages.RenderAsync(key, async () => await render(), p => p.ValidUntil > now, ct);
        // A shared rendering made for an earlier instant whose first occurrence has ended meanwhile: not for us.
        return page is not null && page.ValidUntil > now ? page : await render();
    }

    public void Dispose() => _pages.Dispose();
}
