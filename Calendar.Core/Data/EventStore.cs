using Calendar.Core.Events;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

public enum WriteOutcome { Done, NotFound, Forbidden, Stale }

public sealed record WriteResult(WriteOutcome Outcome, Event? Event = null);

/// <summary>Who may touch an event: moderators any, a coordinator only what they own.</summary>
public readonly record struct EventScope(bool Any, Guid? OwnerId)
{
    public static readonly EventScope Moderator = new(true, null);
    public static EventScope Owner(Guid ownerId) => new(false, ownerId);

    /// <summary>Whether this scope covers the event: the same rule the writes put in their WHERE.</summary>
    public bool Allows(Event e) => Any || (OwnerId is { } owner && e.OwnerId == owner);
}

/// <summary>Reads and writes events. SQL sits beside each call; columns are named, never '*'.</summary>
public sealed class EventStore(NpgsqlDataSource dataSource)
{
    public const string Columns = """
        id, title, description, kind, status, moderation, all_day, starts_on, ends_on, starts_local, ends_local,
        time_zone, starts_at, ends_at, recurrence, series_ends_at, venue, address, city, country, online, join_url,
        organizers, tags, language, registration_url, more_info_url, contact_email, owner_id, created_at, updated_at,
        sequence, revision
        """;

    // Everything a feed or page shows; a change to any of these raises SEQUENCE so that calendar clients
    // (Google in particular) take the update.
    internal const string VisibleColumnList = """
        title, description, kind, status, all_day, starts_on, ends_on, starts_local, ends_local, time_zone, recurrence,
         venue, address, city, country, online, join_url, organizers, tags, language, registration_url, more_info_url
        """;

    internal const string VisibleValueList = """
        @Title, @Description, @Kind, @Status, @AllDay, @StartsOn, @EndsOn, @StartsLocal, @EndsLocal, @TimeZone, @Recurrence,
         @Venue, @Address, @City, @Country, @Online, @JoinUrl, @Organizers, @Tags, @Language, @RegistrationUrl, @MoreInfoUrl
        """;

    private const string VisibleColumns = $"({VisibleColumnList})";
    private const string VisibleValues = $"({VisibleValueList})";


    public NpgsqlDataSource DataSource => dataSource;

    public async Task<Event?> FindAsync(Guid id, CancellationToken ct)
    {
        const string sql = $"select {Columns} from events where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<Event> InsertAsync(EventDraft draft, string moderation, Guid? ownerId, CancellationToken ct, Guid? id = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await InsertAsync(connection, null, draft, moderation, ownerId, id ?? Guid.CreateVersion7(), ct))!;
    }

    /// <summary>Inserts on a caller's connection and transaction; null when the id exists already.</summary>
    internal static Task<Event?> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, EventDraft draft,
        string moderation, Guid? ownerId, Guid id, CancellationToken ct)
    {
        const string sql = $"""
            insert into events (id, moderation, owner_id, starts_at, ends_at, series_ends_at, contact_email, {VisibleColumnList})
            values (@Id, @Moderation, @OwnerId, @StartsAt, @EndsAt, @SeriesEndsAt, @ContactEmail, {VisibleValueList})
            on conflict (id) do nothing
            returning {Columns}
            """;
        return connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql,
            Parameters(draft, new { Id = id, Moderation = moderation, OwnerId = ownerId }), transaction, cancellationToken: ct));
    }

    /// <summary>Replaces an event's content. The conditions sit in the WHERE so two writers cannot both win;
    /// the outcome then tells 404, 403 and 412 apart.</summary>
    public async Task<WriteResult> ReplaceAsync(Guid id, EventDraft draft, EventScope scope, long? expectedRevision, CancellationToken ct)
    {
        const string sql = $"""
            update events set
                sequence = sequence + case when {VisibleColumns} is distinct from {VisibleValues} then 1 else 0 end,
                {VisibleColumns} = {VisibleValues},
                starts_at = @StartsAt, ends_at = @EndsAt, series_ends_at = @SeriesEndsAt, contact_email = @ContactEmail,
                updated_at = greatest(now(), updated_at), revision = revision + 1
            where id = @Id and (@AnyOwner or owner_id = @OwnerId) and (@Expected::bigint is null or revision = @Expected)
            returning {Columns}
            """;
        return await WriteAsync(id, scope, expectedRevision, sql,
            Parameters(draft, new { Id = id, AnyOwner = scope.Any, scope.OwnerId, Expected = expectedRevision }), ct);
    }

    public async Task<WriteResult> CancelAsync(Guid id, EventScope scope, long? expectedRevision, CancellationToken ct)
    {
        const string sql = $"""
            update events set
                sequence = sequence + case when status <> 'cancelled' then 1 else 0 end,
                status = 'cancelled',
                updated_at = case when status <> 'cancelled' then greatest(now(), updated_at) else updated_at end,
                revision = revision + case when status <> 'cancelled' then 1 else 0 end
            where id = @Id and (@AnyOwner or owner_id = @OwnerId) and (@Expected::bigint is null or revision = @Expected)
            returning {Columns}
            """;
        return await WriteAsync(id, scope, expectedRevision, sql,
            new { Id = id, AnyOwner = scope.Any, scope.OwnerId, Expected = expectedRevision }, ct);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition("delete from events where id = @id", new { id }, cancellationToken: ct)) > 0;
    }

    private async Task<WriteResult> WriteAsync(Guid id, EventScope scope, long? expectedRevision, string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var updated = await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, args, cancellationToken: ct));
        if (updated is not null) return new WriteResult(WriteOutcome.Done, updated);

        var current = await connection.QuerySingleOrDefaultAsync<(Guid? OwnerId, long Revision)?>(new CommandDefinition(
            "select owner_id, revision from events where id = @id", new { id }, cancellationToken: ct));
        if (current is null) return new WriteResult(WriteOutcome.NotFound);
        if (!scope.Any && current.Value.OwnerId != scope.OwnerId) return new WriteResult(WriteOutcome.Forbidden);
        return new WriteResult(WriteOutcome.Stale);
    }

    /// <summary>
    /// Published occurrences matching the filter, ordered by (start, id), after the filter's cursor; one more
    /// than the limit is fetched so the caller knows whether a next page exists.
    /// One-off events come from two index range scans (events up to 31 days long by start, longer ones by end,
    /// so "still running at from" never scans the past); series are few and expanded here.
    /// </summary>
    public async Task<IReadOnlyList<Occurrence>> ListAsync(EventFilter filter, DateTime defaultFrom, CancellationToken ct)
    {
        var from = filter.From ?? defaultFrom;
        var take = filter.Limit + 1;
        var where = new FilterSql(filter);
        where.Parameters.Add("from", from);
        where.Parameters.Add("take", take);
        var window = filter.To is null ? "" : " and starts_at < @to";
        if (filter.To is { } to) where.Parameters.Add("to", to);
        var keyset = "";
        if (filter.After is { } after)
        {
            keyset = " and (starts_at, id) > (@afterStart, @afterId)";
            where.Parameters.Add("afterStart", after.StartsAt);
            where.Parameters.Add("afterId", after.Id);
        }

        var sql = $"""
            (select {Columns} from events
              where moderation = 'published' and recurrence is null and not is_long
                and starts_at >= @from - interval '31 days' and ends_at > @from{window}{keyset}{where.Conditions}
              order by starts_at, id limit @take)
            union all
            (select {Columns} from events
              where moderation = 'published' and recurrence is null and is_long
                and ends_at > @from{window}{keyset}{where.Conditions}
              order by starts_at, id limit @take)
            union all
            (select {Columns} from events
              where moderation = 'published' and recurrence is not null
                and (series_ends_at is null or series_ends_at > @from){window}{where.Conditions})
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Event>(new CommandDefinition(sql, where.Parameters, cancellationToken: ct));
        return rows
            .SelectMany(e => Occurrences.Expand(e, from, filter.To, filter.After, take))
            .OrderBy(o => o.StartsAt).ThenBy(o => o.Event.Id)
            .Take(take)
            .ToList();
    }

    /// <summary>Published events (not expanded) that have an occurrence ending after <paramref name="from"/>:
    /// what a feed lists, each series once with its RRULE.</summary>
    public async Task<IReadOnlyList<Event>> ListForFeedAsync(EventFilter filter, DateTime from, CancellationToken ct)
    {
        var where = new FilterSql(filter);
        where.Parameters.Add("from", filter.From ?? from);
        var window = "";
        if (filter.To is { } to) { window = " and starts_at < @to"; where.Parameters.Add("to", to); }
        var sql = $"""
            select {Columns} from events
             where moderation = 'published' and coalesce(series_ends_at, 'infinity') > @from{window}{where.Conditions}
             order by starts_at, id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event>(new CommandDefinition(sql, where.Parameters, cancellationToken: ct))).AsList();
    }

    public Task<IReadOnlyList<FacetCount>> TagsAsync(CancellationToken ct) => FacetAsync(TagsFacet, ct);

    public Task<IReadOnlyList<FacetCount>> OrganizersAsync(CancellationToken ct) => FacetAsync(OrganizersFacet, ct);

    private const string TagsFacet = """
        select t as value, count(*)::int as count from events, unnest(tags) as t
         where moderation = 'published' group by t order by count(*) desc, t
        """;

    private const string OrganizersFacet = """
        select o as value, count(*)::int as count from events, unnest(organizers) as o
         where moderation = 'published' group by o order by count(*) desc, o
        """;

    private async Task<IReadOnlyList<FacetCount>> FacetAsync(string sql, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FacetCount>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    internal static DynamicParameters Parameters(EventDraft d, object extra)
    {
        var p = new DynamicParameters(extra);
        p.AddDynamicParams(new
        {
            d.Title, d.Description, d.Kind, d.Status, d.AllDay, d.StartsOn, d.EndsOn, d.StartsLocal, d.EndsLocal, d.TimeZone,
            d.Recurrence, d.Venue, d.Address, d.City, d.Country, d.Online, d.JoinUrl, d.Organizers, d.Tags, d.Language,
            d.RegistrationUrl, d.MoreInfoUrl, d.StartsAt, d.EndsAt, d.SeriesEndsAt, d.ContactEmail,
        });
        return p;
    }

    /// <summary>The filter's conditions other than the window, as SQL with parameters (never concatenated values).</summary>
    private sealed class FilterSql
    {
        public DynamicParameters Parameters { get; } = new();
        public string Conditions { get; }

        public FilterSql(EventFilter filter)
        {
            var sql = new System.Text.StringBuilder();
            // One kind as plain equality, so the (kind, starts_at, id) index also gives the order.
            if (filter.Kinds.Count == 1) { sql.Append(" and kind = @kind"); Parameters.Add("kind", filter.Kinds[0]); }
            if (filter.Kinds.Count > 1) { sql.Append(" and kind = any(@kinds)"); Parameters.Add("kinds", filter.Kinds.ToArray()); }
            if (filter.Tags.Count > 0) { sql.Append(" and tags && @tags"); Parameters.Add("tags", filter.Tags.ToArray()); }
            if (filter.Organizer is not null) { sql.Append(" and organizers @> array[@organizer]::text[]"); Parameters.Add("organizer", filter.Organizer); }
            if (filter.Country is not null) { sql.Append(" and country = @country"); Parameters.Add("country", filter.Country); }
            if (filter.Online is { } online) { sql.Append(" and online = @online"); Parameters.Add("online", online); }
            if (filter.TextQuery is { } tsquery) { sql.Append(" and search @@ to_tsquery('simple', @tsquery)"); Parameters.Add("tsquery", tsquery); }
            Conditions = sql.ToString();
        }
    }
}

public sealed record FacetCount(string Value, int Count);
