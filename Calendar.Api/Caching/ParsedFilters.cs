using Calendar.Core.Events;
using Microsoft.Extensions.Caching.Memory;

namespace Calendar.Api.Caching;

/// <summary>A query string's filter and the cache key it renders under.</summary>
public sealed record ParsedFilter(EventFilter Filter, string Key);

/// <summary>
/// What each query string means, remembered per instance: subscribers, widgets and integrators repeat the same URLs
/// for years, so each is parsed once. Bounded in entries (the least used go first); a memo only, so losing an entry
/// costs a parse, never a wrong answer. One per use, because the same text is parsed with other rules there.
/// </summary>
public abstract class ParsedFilters(int capacity) : IDisposable
{
    private readonly MemoryCache _known = new(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.25 });

    public bool TryGet(string query, out ParsedFilter? parsed) => _known.TryGetValue(query, out parsed);

    public void Remember(string query, ParsedFilter parsed) => _known.Set(query, parsed, new MemoryCacheEntryOptions { Size = 1 });

    public void Dispose() => _known.Dispose();
}

/// <summary>GET /api/events query strings (with limit and cursor).</summary>
public sealed class ListQueries() : ParsedFilters(10_000);

/// <summary>Feed query strings (/feeds/events.ics?...) and named feeds' saved filters ("saved:" + filter).</summary>
public sealed class FeedQueries() : ParsedFilters(10_000);
