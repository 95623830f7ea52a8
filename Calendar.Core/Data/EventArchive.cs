using Calendar.Core.Events;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>Reads for the calendar's history and for news readers: which months hold past events, and what was
/// published most recently. Uses the same filter conditions as <see cref="EventStore"/>.</summary>
public sealed class EventArchive(NpgsqlDataSource dataSource)
{
    /// <summary>Published events that start before <paramref name="before"/>, counted by the UTC month of their
    /// start (a series by its first occurrence), newest month first. The filter's window and cursor are ignored.</summary>
    public async Task<IReadOnlyList<MonthCount>> MonthsAsync(EventFilter filter, DateTime before, CancellationToken ct)
    {
        var where = new EventStore.FilterSql(filter);
        where.Parameters.Add("before", before);
        var sql = $"""
            select extract(year from starts_at at time zone 'UTC')::int as year,
                   extract(month from starts_at at time zone 'UTC')::int as month, count(*)::int as count
              from events
             where moderation = '{ModerationState.Published}' and starts_at < @before{where.Conditions}
             group by 1, 2 order by 1 desc, 2 desc
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<MonthCount>(new CommandDefinition(sql, where.Parameters, cancellationToken: ct))).AsList();
    }

    /// <summary>The most recently published events of a feed's window, newest first (published_at is set by the
    /// database when an event is inserted as published or approved; see migration 0010).</summary>
    public async Task<IReadOnlyList<PublishedEvent>> RecentlyPublishedAsync(EventFilter filter, DateTime windowStart, int limit, CancellationToken ct)
    {
        var where = new EventStore.FilterSql(filter);
        where.Parameters.Add("from", filter.From ?? windowStart);
        where.Parameters.Add("limit", limit);
        var window = "";
        if (filter.To is { } to) { window = " and starts_at < @to"; where.Parameters.Add("to", to); }
        var sql = $"""
            select {EventStore.PublicColumns}, published_at from events
             where moderation = '{ModerationState.Published}' and coalesce(series_ends_at, 'infinity') > @from{window}{where.Conditions}
             order by published_at desc, id desc
             limit @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event, PublishedStamp, PublishedEvent>(new CommandDefinition(sql, where.Parameters, cancellationToken: ct),
            (e, p) => new PublishedEvent(e, p.PublishedAt), splitOn: "published_at")).AsList();
    }

    private sealed class PublishedStamp
    {
        public DateTime PublishedAt { get; init; }
    }
}

public sealed record MonthCount(int Year, int Month, int Count);

public sealed record PublishedEvent(Event Event, DateTime PublishedAt);
