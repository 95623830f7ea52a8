using System.Text.Json;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>A partner's calendar the service fetches on a schedule.</summary>
public sealed class Source
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Url { get; init; } = "";
    public string Organizer { get; init; } = "";
    public string Kind { get; init; } = "other";
    public string[] Tags { get; init; } = [];
    public bool AutoPublish { get; init; }
    public string? TimeZone { get; init; }
    public string State { get; init; } = SourceState.Active;
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public DateTime NextRunAt { get; init; }
    public int Failures { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    /// <summary>How the source appears in the audit log.</summary>
    public Actor Actor => new(null, $"source: {Name}");
}

/// <summary>The fields a moderator sets on a source (validated by SourceInputValidator).</summary>
public sealed record SourceFields(string Name, string Url, string Organizer, string Kind, string[] Tags, bool AutoPublish, string? TimeZone);

public sealed record SkippedItem(string? Uid, string Reason);

/// <summary>One fetch of a source and what it did (SPEC: the run report).</summary>
public sealed class SourceRun
{
    public long Id { get; set; }
    public Guid SourceId { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string Outcome { get; set; } = RunOutcome.Running;
    public int? HttpStatus { get; set; }
    public int Seen { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Cancelled { get; set; }
    public int Unchanged { get; set; }
    public List<SkippedItem> Skipped { get; set; } = [];
    public List<string> Notes { get; set; } = [];
    public string? Problem { get; set; }
}

public enum SourceWrite { Done, NotFound, DuplicateUrl, Retired }

/// <summary>Sources, their runs, and the lease that lets one instance at a time fetch a source.</summary>
public sealed class SourceStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, name, url, organizer, kind, tags, auto_publish, time_zone, state, etag, last_modified, next_run_at, failures,
        created_at, updated_at
        """;
    private const string RunColumns = """
        id, source_id, started_at, finished_at, outcome, http_status, seen, created, updated, cancelled, unchanged,
        skipped::text as skipped_json, notes::text as notes_json, problem
        """;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<Source>> ListAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Source>(new CommandDefinition(
            $"select {Columns} from sources order by state = '{SourceState.Retired}', lower(name), id", cancellationToken: ct))).AsList();
    }

    public async Task<Source?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(
            $"select {Columns} from sources where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The live source with this address, if any (addresses compare case-insensitively).</summary>
    public async Task<Source?> FindByUrlAsync(string url, Guid? except, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<Source>(new CommandDefinition(
            $"select {Columns} from sources where lower(url) = lower(@url) and state <> '{SourceState.Retired}' and id <> coalesce(@except, '00000000-0000-0000-0000-000000000000'::uuid)",
            new { url, except }, cancellationToken: ct));
    }

    public async Task<(SourceWrite, Source?)> CreateAsync(SourceFields f, CancellationToken ct)
    {
        const string sql = $"""
            insert into sources (id, name, url, organizer, kind, tags, auto_publish, time_zone)
            values (@id, @Name, @Url, @Organizer, @Kind, @Tags, @AutoPublish, @TimeZone)
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var created = await connection.QuerySingleAsync<Source>(new CommandDefinition(sql, Parameters(f, new { id = Guid.CreateVersion7() }), cancellationToken: ct));
            return (SourceWrite.Done, created);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (SourceWrite.DuplicateUrl, null);
        }
    }

    /// <summary>Replaces the fields. The validators are forgotten, so the next run reads the whole feed again and
    /// applies the new organizer, kind and tags.</summary>
    public async Task<(SourceWrite, Source?)> UpdateAsync(Guid id, SourceFields f, CancellationToken ct)
    {
        const string sql = $"""
            update sources set name = @Name, url = @Url, organizer = @Organizer, kind = @Kind, tags = @Tags,
                   auto_publish = @AutoPublish, time_zone = @TimeZone, etag = null, last_modified = null,
                   updated_at = now()
             where id = @id
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var updated = await connection.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(sql, Parameters(f, new { id }), cancellationToken: ct));
            return updated is null ? (SourceWrite.NotFound, null) : (SourceWrite.Done, updated);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (SourceWrite.DuplicateUrl, null);
        }
    }

    /// <summary>Pause, resume or retire. A retired source stays retired; resuming makes it due at once.</summary>
    public async Task<(SourceWrite, Source?)> SetStateAsync(Guid id, string state, CancellationToken ct)
    {
        const string sql = $"""
            update sources set state = @state, updated_at = now(),
                   next_run_at = case when @state = '{SourceState.Active}' then now() else next_run_at end,
                   failures = case when @state = '{SourceState.Active}' then 0 else failures end
             where id = @id and state <> '{SourceState.Retired}'
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var updated = await connection.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(sql, new { id, state }, cancellationToken: ct));
        if (updated is not null) return (SourceWrite.Done, updated);
        var current = await FindAsync(id, ct);
        return current is null ? (SourceWrite.NotFound, null) : (SourceWrite.Retired, current);
    }

    /// <summary>
    /// Takes the lease of the next due active source (or of <paramref name="id"/> when given, due or not).
    /// FOR UPDATE SKIP LOCKED lets instances claim different sources at the same moment; the lease then keeps
    /// others away for the length of the run without holding a transaction open during the fetch.
    /// </summary>
    public async Task<(Source Source, Guid Lease)?> ClaimAsync(Guid? id, TimeSpan leaseFor, CancellationToken ct)
    {
        var lease = Guid.NewGuid();
        var which = id is null
            ? $"state = '{SourceState.Active}' and next_run_at <= now() order by next_run_at"
            : $"id = @id and state <> '{SourceState.Retired}'";
        var sql = $"""
            update sources set lease_token = @lease, lease_until = now() + @leaseFor
             where id = (select id from sources
                          where (lease_until is null or lease_until < now()) and {which}
                          limit 1 for update skip locked)
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var source = await connection.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(sql, new { lease, leaseFor, id }, transaction, cancellationToken: ct));
        if (source is null) return null;
        // A run an instance never finished (it was stopped or killed) is recorded as such.
        await connection.ExecuteAsync(new CommandDefinition($"""
            update source_runs set outcome = '{RunOutcome.Failed}', finished_at = now(),
                   problem = 'Interrupted: the instance running it stopped before the run finished; nothing was changed.'
             where source_id = @id and outcome = '{RunOutcome.Running}'
            """, new { id = source.Id }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return (source, lease);
    }

    /// <summary>Whether a run is in progress (another instance holds the lease).</summary>
    public async Task<bool> IsLeasedAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from sources where id = @id and lease_until >= now())", new { id }, cancellationToken: ct));
    }

    public async Task<long> StartRunAsync(Guid sourceId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"insert into source_runs (source_id, outcome) values (@sourceId, '{RunOutcome.Running}') returning id", new { sourceId }, cancellationToken: ct));
    }

    /// <summary>Records the run's report, schedules the next run and gives the lease back, on the caller's
    /// transaction when it applied changes (so the report and the changes commit together).</summary>
    internal static async Task FinishRunAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SourceRun run, Guid lease,
        DateTime nextRunAt, bool failed, string? etag, string? lastModified, bool keepValidators, CancellationToken ct)
    {
        await WriteRunAsync(connection, transaction, run, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            update sources set lease_token = null, lease_until = null, next_run_at = @nextRunAt,
                   failures = case when @failed then failures + 1 else 0 end,
                   etag = case when @keepValidators then etag else @etag end,
                   last_modified = case when @keepValidators then last_modified else @lastModified end
             where id = @sourceId and lease_token = @lease
            """, new { nextRunAt, failed, etag, lastModified, keepValidators, sourceId = run.SourceId, lease }, transaction, cancellationToken: ct));
    }

    /// <summary>Writes the run's report (its row exists since the run started).</summary>
    internal static async Task WriteRunAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SourceRun run, CancellationToken ct)
    {
        run.FinishedAt = DateTime.UtcNow;
        await connection.ExecuteAsync(new CommandDefinition("""
            update source_runs set finished_at = @FinishedAt, outcome = @Outcome, http_status = @HttpStatus, seen = @Seen,
                   created = @Created, updated = @Updated, cancelled = @Cancelled, unchanged = @Unchanged,
                   skipped = @skipped::jsonb, notes = @notes::jsonb, problem = @Problem
             where id = @Id
            """, new
        {
            run.FinishedAt, run.Outcome, run.HttpStatus, run.Seen, run.Created, run.Updated, run.Cancelled, run.Unchanged, run.Problem, run.Id,
            skipped = JsonSerializer.Serialize(run.Skipped, Json), notes = JsonSerializer.Serialize(run.Notes, Json),
        }, transaction, cancellationToken: ct));
    }

    public async Task FinishRunAsync(SourceRun run, Guid lease, DateTime nextRunAt, bool failed, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await FinishRunAsync(connection, null, run, lease, nextRunAt, failed, null, null, keepValidators: true, ct);
    }

    public async Task<IReadOnlyList<SourceRun>> RunsAsync(Guid sourceId, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"select {RunColumns} from source_runs where source_id = @sourceId order by started_at desc, id desc limit @limit",
            new { sourceId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToList();
    }

    /// <summary>The latest run of each source.</summary>
    public async Task<IReadOnlyDictionary<Guid, SourceRun>> LatestRunsAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"select distinct on (source_id) {RunColumns} from source_runs order by source_id, started_at desc, id desc", cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToDictionary(r => r.SourceId);
    }

    public async Task<SourceRun?> FindRunAsync(long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"select {RunColumns} from source_runs where id = @id", new { id }, cancellationToken: ct));
        return row?.ToRun();
    }

    private static DynamicParameters Parameters(SourceFields f, object extra)
    {
        var p = new DynamicParameters(extra);
        p.AddDynamicParams(new { f.Name, f.Url, f.Organizer, f.Kind, f.Tags, f.AutoPublish, f.TimeZone });
        return p;
    }

    private sealed class RunRow
    {
        public long Id { get; init; }
        public Guid SourceId { get; init; }
        public DateTime StartedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
        public string Outcome { get; init; } = "";
        public int? HttpStatus { get; init; }
        public int Seen { get; init; }
        public int Created { get; init; }
        public int Updated { get; init; }
        public int Cancelled { get; init; }
        public int Unchanged { get; init; }
        public string SkippedJson { get; init; } = "[]";
        public string NotesJson { get; init; } = "[]";
        public string? Problem { get; init; }

        public SourceRun ToRun() => new()
        {
            Id = Id, SourceId = SourceId, StartedAt = StartedAt, FinishedAt = FinishedAt, Outcome = Outcome, HttpStatus = HttpStatus,
            Seen = Seen, Created = Created, Updated = Updated, Cancelled = Cancelled, Unchanged = Unchanged, Problem = Problem,
            Skipped = JsonSerializer.Deserialize<List<SkippedItem>>(SkippedJson, Json) ?? [],
            Notes = JsonSerializer.Deserialize<List<string>>(NotesJson, Json) ?? [],
        };
    }
}
