using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Calendar.Api.Caching;

/// <summary>
/// What feeds and list pages share: rendered results in memory, bounded in bytes, and one rendering per key at a
/// time. Concurrent requests for a key wait for the same rendering, which no single request can cancel (each waiter
/// stops waiting on its own token). Only a cache: every instance renders the same bytes from the database.
/// </summary>
public sealed class RenderCache<T>(long sizeLimitBytes, Func<string, T, long> size, TimeSpan slidingExpiration) : IDisposable
    where T : class
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });
    private readonly ConcurrentDictionary<string, Lazy<Task<T?>>> _rendering = new(StringComparer.Ordinal);

    public bool TryGet(string key, out T? value) => _cache.TryGetValue(key, out value);

    /// <summary>Waits for the rendering of <paramref name="key"/> (starting <paramref name="render"/> when none runs)
    /// and keeps the result when <paramref name="cacheable"/> says so.</summary>
    public async Task<T?> RenderAsync(string key, Func<Task<T?>> render, Func<T, bool> cacheable, CancellationToken ct)
    {
        var lazy = _rendering.GetOrAdd(key, _ => new Lazy<Task<T?>>(render));
        try
        {
            var value = await lazy.Value.WaitAsync(ct);
            if (value is not null && cacheable(value))
                _cache.Set(key, value, new MemoryCacheEntryOptions { Size = size(key, value), SlidingExpiration = slidingExpiration });
            return value;
        }
        finally
        {
            _rendering.TryRemove(new KeyValuePair<string, Lazy<Task<T?>>>(key, lazy));
        }
    }

    public void Dispose() => _cache.Dispose();
}
