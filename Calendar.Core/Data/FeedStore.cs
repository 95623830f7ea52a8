using Calendar.Core.Events;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>A named feed (/feeds/{slug}.ics): a saved filter with a title. Retired feeds keep answering.</summary>
public sealed record NamedFeed
{
    public string Slug { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>Canonical query string of the filter (EventFilter.ToQuery()), without '?'.</summary>
    public string Filter { get; init; } = "";
    public bool Retired { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>
/// What a feed's validators are computed from, read in one small row: the shared change counter, the start of
/// the default window (the database's day, so every instance agrees) and the latest end of a published event
/// that has left that window, plus the named feed when one is asked for.
/// </summary>
public sealed record FeedState
{
    public const int WindowDays = 180;

    public long Version { get; init; }
    public DateTime ChangedAt { get; init; }
    public DateTime WindowStart { get; init; }
    /// <summary>The latest series end at or before <see cref="WindowStart"/>, if any event has left the window.</summary>
    public DateTime? LastLeftEnd { get; init; }
    public NamedFeed? Feed { get; init; }

    /// <summary>When the last event left the default window: the first day boundary at which its end lay
    /// 180 days back. Never later than now, and it only moves forward as days pass.</summary>
    public DateTime? LastLeftAt => LastLeftEnd is { } end
        ? (end.TimeOfDay == TimeSpan.Zero ? end.Date : end.Date.AddDays(1)).AddDays(WindowDays)
        : null;

    /// <summary>Never moves backwards: a deletion or edit advances <see cref="ChangedAt"/> past any earlier value,
    /// and the window's exits only add later instants. Whole seconds, as HTTP dates are.</summary>
    public DateTime LastModified
    {
        get
        {
            var latest = LastLeftAt is { } left && left > ChangedAt ? left : ChangedAt;
            return new DateTime(latest.Ticks - latest.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        }
    }
}

public sealed class FeedStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "slug, title, description, filter, retired, created_at, updated_at";

    public async Task<FeedState> StateAsync(string? slug, CancellationToken ct)
    {
        const string sql = $"""
            select v.version, v.changed_at, w.window_start,
                   (select max(series_ends_at) from events
                     where moderation = '{ModerationState.Published}' and series_ends_at <= w.window_start) as last_left_end,
                   f.slug, f.title, f.description, f.filter, f.retired, f.created_at, f.updated_at
              from calendar_version v
             cross join (select (((now() at time zone 'UTC')::date - @windowDays)::timestamp at time zone 'UTC') as window_start) w
              left join feeds f on f.slug = @slug
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync(new CommandDefinition(sql, new { slug, windowDays = FeedState.WindowDays }, cancellationToken: ct));
        return new FeedState
        {
            Version = row.version,
            ChangedAt = Utc((DateTime)row.changed_at),
            WindowStart = Utc((DateTime)row.window_start),
            LastLeftEnd = row.last_left_end is DateTime left ? Utc(left) : null,
            Feed = row.slug is string s
                ? new NamedFeed
                {
                    Slug = s, Title = row.title, Description = row.description, Filter = row.filter, Retired = row.retired,
                    CreatedAt = Utc((DateTime)row.created_at), UpdatedAt = Utc((DateTime)row.updated_at),
                }
                : null,
        };
    }

    /// <summary>The shared change counter alone, to check that nothing changed while a feed was rendered.</summary>
    public async Task<long> VersionAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("select version from calendar_version", cancellationToken: ct));
    }

    public async Task<IReadOnlyList<NamedFeed>> ListAsync(bool includeRetired, CancellationToken ct)
    {
        const string sql = $"select {Columns} from feeds where @includeRetired or not retired order by slug";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<NamedFeed>(new CommandDefinition(sql, new { includeRetired }, cancellationToken: ct))).AsList();
    }

    public async Task<NamedFeed?> FindAsync(string slug, CancellationToken ct)
    {
        const string sql = $"select {Columns} from feeds where slug = @slug";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<NamedFeed>(new CommandDefinition(sql, new { slug }, cancellationToken: ct));
    }

    /// <summary>Creates a named feed; null when the slug is taken (retired feeds keep their slug for ever).</summary>
    public async Task<NamedFeed?> InsertAsync(NamedFeed feed, CancellationToken ct)
    {
        const string sql = $"""
            insert into feeds (slug, title, description, filter, retired) values (@Slug, @Title, @Description, @Filter, @Retired)
            on conflict (slug) do nothing
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<NamedFeed>(new CommandDefinition(sql, feed, cancellationToken: ct));
    }

    /// <summary>Replaces title, description, filter and retired flag; null when there is no such feed.</summary>
    public async Task<NamedFeed?> UpdateAsync(NamedFeed feed, CancellationToken ct)
    {
        const string sql = $"""
            update feeds set title = @Title, description = @Description, filter = @Filter, retired = @Retired,
                   updated_at = greatest(now(), updated_at)
             where slug = @Slug
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<NamedFeed>(new CommandDefinition(sql, feed, cancellationToken: ct));
    }

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc);
}
