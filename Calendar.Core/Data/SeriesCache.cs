using Calendar.Core.Events;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>
/// The published series matching a filter, per (data version, filter without window start, cursor and limit),
/// bounded in bytes. Series are few but every list page needs all of them that match; reading them once per
/// version spares each request their rows. Only a cache: every instance reads the same rows for a version.
/// </summary>
internal sealed class SeriesCache(long sizeLimitBytes)
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });

    public async Task<IReadOnlyList<Event>> GetAsync(long version, EventFilter filter, NpgsqlConnection connection, CancellationToken ct)
    {
        var shape = filter with { From = null, After = null, Limit = EventFilter.DefaultLimit };
        var key = $"{version}|{shape.CanonicalQuery()}";
        if (_cache.TryGetValue(key, out IReadOnlyList<Event>? hit)) return hit!;
        var (sql, parameters) = EventStore.SeriesCommand(shape);
        var rows = (await connection.QueryAsync<Event>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
        _cache.Set(key, (IReadOnlyList<Event>)rows, new MemoryCacheEntryOptions
        {
            Size = 256 + rows.Sum(e => 512 + (e.Title.Length + e.Description.Length) * 2),
            SlidingExpiration = TimeSpan.FromMinutes(10),
        });
        return rows;
    }
}
