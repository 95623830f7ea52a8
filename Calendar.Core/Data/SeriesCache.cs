using Calendar.Core.Events;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>The published series matching one filter at one data version, and (made on first use) their occurrences
/// from ten years ago to <see cref="SeriesCache.Horizon"/> in list order, so that a page finds its series occurrences
/// by binary search instead of expanding every series on every request.</summary>
internal sealed class SeriesSet(IReadOnlyList<Event> events)
{
    /// <summary>More occurrences than this (say, many daily series) are not precomputed.</summary>
    private const int MaxTimeline = 100_000;
    private readonly DateTime _start = DateTime.UtcNow.AddYears(-10);
    private readonly Lazy<(Occurrence[]? Timeline, TimeSpan MaxSpan)> _timeline = new(() => Build(events, DateTime.UtcNow.AddYears(-10)));

    private static (Occurrence[]?, TimeSpan) Build(IReadOnlyList<Event> events, DateTime start)
    {
        var all = new List<Occurrence>();
        foreach (var e in events)
        foreach (var o in Occurrences.Expand(e, start, SeriesCache.Horizon, null, MaxTimeline + 1))
        {
            all.Add(o);
            if (all.Count > MaxTimeline) return (null, TimeSpan.Zero);
        }
        all.Sort((a, b) => a.StartsAt != b.StartsAt ? a.StartsAt.CompareTo(b.StartsAt) : a.Event.Id.CompareTo(b.Event.Id));
        return ([.. all], all.Count == 0 ? TimeSpan.Zero : all.Max(o => o.EndsAt - o.StartsAt));
    }

    public IReadOnlyList<Event> Events { get; } = events;

    /// <summary>Occurrences still running at <paramref name="from"/> or later, starting no earlier than
    /// <paramref name="notBefore"/> (a cursor's start) and no later than <paramref name="until"/>, in list order; false when the precomputed ones do not cover that range.</summary>
    public bool TryBetween(DateTime from, DateTime? notBefore, DateTime until, out IEnumerable<Occurrence> found)
    {
        found = [];
        var (timeline, maxSpan) = _timeline.Value;
        var earliest = notBefore is { } n && n > from - maxSpan ? n : from - maxSpan;
        if (timeline is null || earliest <= _start.AddDays(1) || until >= SeriesCache.Horizon) return false;
        int lo = 0, hi = timeline.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (timeline[mid].StartsAt < earliest) lo = mid + 1; else hi = mid;
        }
        found = Range(timeline, lo, from, until);
        return true;
    }

    private static IEnumerable<Occurrence> Range(Occurrence[] timeline, int first, DateTime from, DateTime until)
    {
        for (var i = first; i < timeline.Length && timeline[i].StartsAt <= until; i++)
            if (timeline[i].EndsAt > from) yield return timeline[i];
    }

    public long Size => 256 + Events.Sum(e => 512 + (e.Title.Length + e.Description.Length) * 2);
}

/// <summary>
/// <see cref="SeriesSet"/>s per (data version, filter without window start, cursor and limit), bounded in bytes.
/// Series are few but every list page needs all of them that match; reading them once per version spares each
/// request their rows and their expansion. Only a cache: every instance reads the same rows for a version.
/// </summary>
internal sealed class SeriesCache(long sizeLimitBytes)
{
    /// <summary>Occurrences are precomputed up to here; a page reaching beyond it expands its series itself.</summary>
    public static readonly DateTime Horizon = DateTime.UtcNow.Date.AddYears(15);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });

    public async Task<SeriesSet> GetAsync(long version, EventFilter filter, NpgsqlConnection connection, CancellationToken ct)
    {
        var shape = filter with { From = null, After = null, Limit = EventFilter.DefaultLimit };
        var key = $"{version}|{shape.CanonicalQuery()}";
        if (_cache.TryGetValue(key, out SeriesSet? hit)) return hit!;
        var (sql, parameters) = EventStore.SeriesCommand(shape);
        var set = new SeriesSet((await connection.QueryAsync<Event>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList());
        // Sized with the largest timeline it may make (96 bytes an occurrence), which the first page that uses it will.
        var timeline = Math.Min(100_000L, set.Events.Count * 400L) * 96;
        _cache.Set(key, set, new MemoryCacheEntryOptions { Size = set.Size + timeline, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return set;
    }
}
