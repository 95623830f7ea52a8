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
    /// <summary>What public reads select (lists, feeds, the archive): every column but the private contact_email
    /// and owner_id, so no public surface can show them.</summary>
    public const string PublicColumns = """
        id, title, description, kind, status, moderation, all_day, starts_on, ends_on, starts_local, ends_local,
        time_zone, starts_at, ends_at, recurrence, series_ends_at, venue, address, city, country, online, join_url,
        organizers, tags, language, registration_url, more_info_url, created_at, updated_at, sequence, revision
        """;

    /// <summary>Every column: for single-event reads, moderators' and owners' reads, and what writes return.</summary>
    public const string Columns = $"{PublicColumns}, contact_email, owner_id";

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

    private readonly SeriesCache _series = new(48L * 1024 * 1024); // series and their precomputed occurrences, bounded in bytes

    public async Task<Event?> FindAsync(Guid id, CancellationToken ct)
    {
        const string sql = $"select {Columns} from events where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>A published event as the public sees it (its page, its .ics): without the private columns.</summary>
    public async Task<Event?> FindPublishedAsync(Guid id, CancellationToken ct)
    {
        const string sql = $"select {PublicColumns} from events where id = @id and moderation = '{ModerationState.Published}'";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<Event> InsertAsync(EventDraft draft, string moderation, Guid? ownerId, CancellationToken ct, Guid? id = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await InsertAsync(connection, null, draft, moderation, ownerId, id ?? Guid.CreateVersion7(), ct))!;
    }

    /// <summary>Inserts an event and its "created" audit row in one transaction.</summary>
    public async Task<Event> InsertAsync(EventDraft draft, string moderation, Guid? ownerId, Actor actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var created = (await InsertAsync(connection, transaction, draft, moderation, ownerId, Guid.CreateVersion7(), ct))!;
        await ModerationStore.LogAsync(connection, transaction, created.Id, actor, ModerationAction.Created, null, ct);
        await transaction.CommitAsync(ct);
        return created;
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
    public async Task<WriteResult> ReplaceAsync(Guid id, EventDraft draft, EventScope scope, long? expectedRevision, Actor actor, CancellationToken ct)
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
        return await WriteAsync(id, scope, sql,
            Parameters(draft, new { Id = id, AnyOwner = scope.Any, scope.OwnerId, Expected = expectedRevision }), actor, ModerationAction.Edited, ct);
    }

    public async Task<WriteResult> CancelAsync(Guid id, EventScope scope, long? expectedRevision, Actor actor, CancellationToken ct)
    {
        const string sql = $"""
            update events set
                sequence = sequence + case when status <> '{EventStatus.Cancelled}' then 1 else 0 end,
                status = '{EventStatus.Cancelled}',
                updated_at = case when status <> '{EventStatus.Cancelled}' then greatest(now(), updated_at) else updated_at end,
                revision = revision + case when status <> '{EventStatus.Cancelled}' then 1 else 0 end
            where id = @Id and (@AnyOwner or owner_id = @OwnerId) and (@Expected::bigint is null or revision = @Expected)
            returning {Columns}
            """;
        return await WriteAsync(id, scope, sql,
            new { Id = id, AnyOwner = scope.Any, scope.OwnerId, Expected = expectedRevision }, actor, ModerationAction.Cancelled, ct);
    }

    /// <summary>Deletes an event and writes its "deleted" audit row in the same transaction.</summary>
    public async Task<bool> DeleteAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition("delete from events where id = @id", new { id }, transaction, cancellationToken: ct)) == 0)
            return false;
        await ModerationStore.LogAsync(connection, transaction, id, actor, ModerationAction.Deleted, null, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Runs an update and, when it changed the event, writes its audit row in the same transaction, so an
    /// acknowledged change always has its record and a crash leaves neither.</summary>
    private async Task<WriteResult> WriteAsync(Guid id, EventScope scope, string sql, object args, Actor actor, string action, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var updated = await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, args, transaction, cancellationToken: ct));
            if (updated is not null)
            {
                await ModerationStore.LogAsync(connection, transaction, id, actor, action, null, ct);
                await transaction.CommitAsync(ct);
                return new WriteResult(WriteOutcome.Done, updated);
            }
        }

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
    /// so "still running at from" never scans the past); series are few, and each is expanded only up to the
    /// last one-off the page can hold.
    /// </summary>
    /// <param name="version">The shared data version (calendar_version) the caller knows, if any: then the series
    /// matching the filter come from memory, read once per (version, filter), and the statement reads one-offs only.</param>
    public async Task<IReadOnlyList<Occurrence>> ListAsync(EventFilter filter, DateTime defaultFrom, CancellationToken ct, long? version = null)
    {
        var from = filter.From ?? defaultFrom;
        var take = filter.Limit + 1;
        var (sql, parameters) = ListCommand(filter, from, includeSeries: version is null);
        List<Event> rows;
        SeriesSet? series = null;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: ct)))
                rows = await EventRows.ReadAsync(reader, ct);
            if (version is { } v) series = await _series.GetAsync(v, filter, connection, ct);
        }

        var occurrences = new List<Occurrence>(take * 2);
        foreach (var e in rows)
            if (e.Recurrence is null) occurrences.Add(Occurrence.Single(e));
        occurrences.Sort(ByPosition);
        // No series occurrence after the take-th one-off can be on the page.
        var cutoff = occurrences.Count >= take ? occurrences[take - 1].StartsAt : (DateTime?)null;
        if (series is not null && cutoff is { } before && series.TryBetween(from, filter.After?.StartsAt, before, out var precomputed))
        {
            var added = 0;
            foreach (var o in precomputed)
            {
                if ((filter.To is { } to && o.StartsAt >= to) || added == take) break;
                if (filter.After is { } after && !after.IsBefore(o.StartsAt, o.Event.Id)) continue;
                occurrences.Add(o);
                added++;
            }
        }
        else
        {
            var seriesRows = series is null ? rows.Where(e => e.Recurrence is not null)
                : series.Events.Where(e => e.SeriesEndsAt is null || e.SeriesEndsAt > from);
            foreach (var e in seriesRows)
            foreach (var o in Occurrences.Expand(e, from, filter.To, filter.After, take))
            {
                if (cutoff is { } c && o.StartsAt > c) break;
                occurrences.Add(o);
            }
        }
        occurrences.Sort(ByPosition);
        if (occurrences.Count > take) occurrences.RemoveRange(take, occurrences.Count - take);
        return occurrences;
    }

    private static readonly Comparison<Occurrence> ByPosition = (a, b) =>
        a.StartsAt != b.StartsAt ? a.StartsAt.CompareTo(b.StartsAt) : a.Event.Id.CompareTo(b.Event.Id);

    /// <summary>
    /// The list's SQL and parameters. One statement text per filter shape (which conditions are present), so
    /// that with automatic preparation each shape is planned once; every condition compares a column with a
    /// parameter the way its index expects, so the generic plan of each shape keeps the ordered index scan
    /// (checked by ListPlanTests with plan_cache_mode=force_generic_plan). A new array filter belongs in
    /// <see cref="FilterSql"/> like tags.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) ListCommand(EventFilter filter, DateTime from, bool includeSeries = true)
    {
        const int SparseLimit = 1000;
        var where = new FilterSql(filter);
        where.Parameters.Add("from", from);
        where.Parameters.Add("take", filter.Limit + 1);
        var window = filter.To is null ? "" : " and starts_at < @to";
        if (filter.To is { } to) where.Parameters.Add("to", to);
        var keyset = "";
        if (filter.After is { } after)
        {
            keyset = " and (starts_at, id) > (@afterStart, @afterId)";
            where.Parameters.Add("afterStart", after.StartsAt);
            where.Parameters.Add("afterId", after.Id);
        }

        // The three kinds of row, each with the index that serves it: one-off events up to 31 days long (start index,
        // bounded below), long ones (their own partial index), and series (expanded in memory).
        var oneOff = $"moderation = '{ModerationState.Published}' and recurrence is null and not is_long and starts_at >= @from - interval '31 days' and ends_at > @from{window}{keyset}";
        var longOnes = $"moderation = '{ModerationState.Published}' and recurrence is null and is_long and ends_at > @from{window}{keyset}";
        var series = includeSeries
            ? $"""

              union all
              (select {PublicColumns} from events
                where moderation = '{ModerationState.Published}' and recurrence is not null
                  and (series_ends_at is null or series_ends_at > @from){window}{where.Conditions})
              """
            : "";

        if (!where.Selective)
        {
            var plain = $"""
                (select {PublicColumns} from events where {oneOff}{where.Conditions} order by starts_at, id limit @take)
                union all
                (select {PublicColumns} from events where {longOnes}{where.Conditions} order by starts_at, id limit @take){series}
                """;
            return (plain, where.Parameters);
        }

        // Tags, organizer or q: rare values are best found through GIN and sorted, common ones by walking the
        // ordered index. Up to SparseLimit matches come through GIN; only when there are more does the walk run,
        // and then matches are dense enough that it stops early. Either way no branch sorts more than SparseLimit rows.
        // First a bounded walk of the ordered index without the selective conditions: when it holds a full page of
        // matches (or reaches the end of each branch), that page is the answer and GIN is never touched.
        var sql = $"""
            with walked as materialized (
                (select id, starts_at, false as long, true{where.Conditions} as hit from events
                  where {oneOff}{where.Plain} order by starts_at, id limit @take * 10)
                union all
                (select id, starts_at, true, true{where.Conditions} from events
                  where {longOnes}{where.Plain} order by starts_at, id limit @take * 10)),
            walk as (select bool_and(enough) as enough from (
                select count(*) filter (where hit) >= @take or count(*) < @take * 10 as enough
                  from walked group by long
                union all select true) b),
            candidates as materialized (
                (select id from events where {oneOff}{where.Conditions} and not (select enough from walk) limit {SparseLimit + 1})
                union all
                (select id from events where {longOnes}{where.Conditions} and not (select enough from walk) limit {SparseLimit + 1})),
            sparse as (select (select enough from walk) or count(*) <= {SparseLimit} as yes from candidates)
            (select {PublicColumns} from events
              where id in (select id from walked where hit) and (select enough from walk)
              order by starts_at, id limit @take)
            union all
            (select {PublicColumns} from events
              where id in (select id from candidates) and (select yes from sparse) and not (select enough from walk)
              order by starts_at, id limit @take)
            union all
            (select {PublicColumns} from events
              where {oneOff}{where.WalkConditions} and not (select yes from sparse)
              order by starts_at, id limit @take)
            union all
            (select {PublicColumns} from events
              where {longOnes}{where.WalkConditions} and not (select yes from sparse)
              order by starts_at, id limit @take){series}
            """;
        return (sql, where.Parameters);
    }

    /// <summary>Every published series matching the filter's conditions and window end (the window start is
    /// applied in memory): what <see cref="SeriesCache"/> keeps per data version.</summary>
    internal static (string Sql, DynamicParameters Parameters) SeriesCommand(EventFilter filter)
    {
        var where = new FilterSql(filter);
        var window = "";
        if (filter.To is { } to) { window = " and starts_at < @to"; where.Parameters.Add("to", to); }
        return ($"""
            select {PublicColumns} from events
             where moderation = '{ModerationState.Published}' and recurrence is not null{window}{where.Conditions}
            """, where.Parameters);
    }

    /// <summary>Published events (not expanded) that have an occurrence ending after <paramref name="from"/>:
    /// what a feed lists, each series once with its RRULE.</summary>
    public async Task<IReadOnlyList<Event>> ListForFeedAsync(EventFilter filter, DateTime from, CancellationToken ct)
    {
        var (sql, parameters) = FeedCommand(filter, from);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }

    /// <summary>The feed's SQL and parameters: like <see cref="ListCommand"/>, one statement text per filter shape.</summary>
    public static (string Sql, DynamicParameters Parameters) FeedCommand(EventFilter filter, DateTime from)
    {
        var where = new FilterSql(filter);
        where.Parameters.Add("from", filter.From ?? from);
        var window = "";
        if (filter.To is { } to) { window = " and starts_at < @to"; where.Parameters.Add("to", to); }
        var sql = $"""
            select {PublicColumns} from events
             where moderation = '{ModerationState.Published}' and coalesce(series_ends_at, 'infinity') > @from{window}{where.Conditions}
             order by starts_at, id
            """;
        return (sql, where.Parameters);
    }

    public Task<IReadOnlyList<FacetCount>> TagsAsync(CancellationToken ct) => FacetAsync(TagsFacet, ct);

    public Task<IReadOnlyList<FacetCount>> OrganizersAsync(CancellationToken ct) => FacetAsync(OrganizersFacet, ct);

    /// <summary>Primary language tags (fr for fr and fr-BE), as the language filter matches them.</summary>
    public Task<IReadOnlyList<FacetCount>> LanguagesAsync(CancellationToken ct) => FacetAsync(LanguagesFacet, ct);

    private const string TagsFacet = $"""
        select t as value, count(*)::int as count from events, unnest(tags) as t
         where moderation = '{ModerationState.Published}' group by t order by count(*) desc, t
        """;

    private const string OrganizersFacet = $"""
        select o as value, count(*)::int as count from events, unnest(organizers) as o
         where moderation = '{ModerationState.Published}' group by o order by count(*) desc, o
        """;

    private const string LanguagesFacet = $"""
        select split_part(lower(language), '-', 1) as value, count(*)::int as count from events
         where moderation = '{ModerationState.Published}' and language is not null group by 1 order by count(*) desc, 1
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

    /// <summary>The filter's conditions other than the window, as SQL with parameters (never concatenated values).
    /// <see cref="Conditions"/> uses the indexable operators; <see cref="WalkConditions"/> is the same test with the
    /// GIN-indexed ones (<see cref="Selective"/>) wrapped so that a generic plan walks the ordered index instead
    /// (migration 0006). A new array condition (like tags) goes in both, and counts as selective.</summary>
    internal sealed class FilterSql
    {
        public DynamicParameters Parameters { get; } = new();
        public string Conditions { get; }
        public string WalkConditions { get; }
        /// <summary>The conditions that are not <see cref="Selective"/> (no GIN index), for the bounded walk.</summary>
        public string Plain { get; }
        public bool Selective { get; }

        public FilterSql(EventFilter filter)
        {
            var sql = new System.Text.StringBuilder();
            var walk = new System.Text.StringBuilder();
            var plain = new System.Text.StringBuilder();
            void Both(string condition) { sql.Append(condition); walk.Append(condition); plain.Append(condition); }
            // One kind as plain equality, so the (kind, starts_at, id) index also gives the order.
            if (filter.Kinds.Count == 1) { Both(" and kind = @kind"); Parameters.Add("kind", filter.Kinds[0]); }
            if (filter.Kinds.Count > 1) { Both(" and kind = any(@kinds)"); Parameters.Add("kinds", filter.Kinds.ToArray()); }
            if (filter.Country is not null) { Both(" and country = @country"); Parameters.Add("country", filter.Country); }
            if (filter.Online is { } online) { Both(" and online = @online"); Parameters.Add("online", online); }
            // A primary tag matches its regional forms (fr matches fr-BE); not GIN-indexed, so a plain condition like country.
            if (filter.Languages.Count > 0) { Both(" and (lower(language) = any(@languages) or split_part(lower(language), '-', 1) = any(@languages))"); Parameters.Add("languages", filter.Languages.ToArray()); }
            if (filter.Tags.Count > 0)
            {
                sql.Append(" and tags && @tags");
                walk.Append(" and calendar_walk_overlaps(tags, @tags)");
                Parameters.Add("tags", filter.Tags.ToArray());
                Selective = true;
            }
            if (filter.Organizer is not null)
            {
                sql.Append(" and organizers @> array[@organizer]::text[]");
                walk.Append(" and calendar_walk_contains(organizers, @organizer)");
                Parameters.Add("organizer", filter.Organizer);
                Selective = true;
            }
            if (filter.TextQuery is { } tsquery)
            {
                sql.Append(" and search @@ to_tsquery('simple', @tsquery)");
                walk.Append(" and calendar_walk_matches(search, @tsquery)");
                Parameters.Add("tsquery", tsquery);
                Selective = true;
            }
            Conditions = sql.ToString();
            WalkConditions = walk.ToString();
            Plain = plain.ToString();
        }
    }
}

public sealed record FacetCount(string Value, int Count);
