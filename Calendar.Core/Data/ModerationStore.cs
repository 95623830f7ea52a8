using System.Security.Cryptography;
using Calendar.Core.Events;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>Who acted: an account, the bootstrap token, or an anonymous submitter.</summary>
public sealed record Actor(Guid? AccountId, string Name)
{
    public static readonly Actor Submitter = new(null, "submitter (private link)");
}

public sealed class ModerationEntry
{
    public long Id { get; init; }
    public Guid EventId { get; init; }
    public Guid? ActorId { get; init; }
    public string Actor { get; init; } = "";
    public string Action { get; init; } = "";
    public string? Reason { get; init; }
    public DateTime At { get; init; }
}

public enum ReviewOutcome { Done, NotFound, NotPending }

/// <summary>
/// The review side of events: the queue, approve/reject, the audit log, and private submission links.
/// Every state change writes its log row in the same transaction, so the record cannot miss an action.
/// </summary>
public sealed class ModerationStore(NpgsqlDataSource dataSource)
{

    /// <summary>Inserts a pending submission and its private link; returns the event and the link's token.</summary>
    public async Task<(Event Event, string Token)> SubmitAsync(EventDraft draft, Guid? ownerId, Actor actor, CancellationToken ct)
    {
        var token = AccountStore.Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var created = (await EventStore.InsertAsync(connection, transaction, draft, ModerationState.Pending, ownerId, Guid.CreateVersion7(), ct))!;
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into submission_tokens (event_id, token_hash) values (@id, @hash)",
            new { id = created.Id, hash = AccountStore.Digest(token) }, transaction, cancellationToken: ct));
        await LogAsync(connection, transaction, created.Id, actor, ModerationAction.Submitted, null, ct);
        await transaction.CommitAsync(ct);
        return (created, token);
    }

    public async Task<Event?> FindBySubmissionTokenAsync(string token, CancellationToken ct)
    {
        if (token.Length is < 20 or > 100) return null;
        const string sql = $"""
            select {EventStore.Columns} from events
             where id = (select event_id from submission_tokens where token_hash = @hash)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql,
            new { hash = AccountStore.Digest(token) }, cancellationToken: ct));
    }

    /// <summary>Pending events, oldest first.</summary>
    public async Task<IReadOnlyList<Event>> QueueAsync(int limit, CancellationToken ct)
    {
        const string sql = $"select {EventStore.Columns} from events where moderation = '{ModerationState.Pending}' order by created_at, id limit @limit";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event>(new CommandDefinition(sql, new { limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Events an account submitted, newest first.</summary>
    public async Task<IReadOnlyList<Event>> OwnedByAsync(Guid ownerId, CancellationToken ct)
    {
        const string sql = $"select {EventStore.Columns} from events where owner_id = @ownerId order by created_at desc, id limit 500";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event>(new CommandDefinition(sql, new { ownerId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<Event>> RecentAsync(string moderation, int limit, CancellationToken ct)
    {
        const string sql = $"select {EventStore.Columns} from events where moderation = @moderation order by updated_at desc, id limit @limit";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Event>(new CommandDefinition(sql, new { moderation, limit }, cancellationToken: ct))).AsList();
    }

    public Task<(ReviewOutcome, Event?)> ApproveAsync(Guid id, Actor actor, CancellationToken ct) =>
        ReviewAsync(id, ModerationState.Published, ModerationAction.Approved, actor, null, ct);

    public Task<(ReviewOutcome, Event?)> RejectAsync(Guid id, Actor actor, string reason, CancellationToken ct) =>
        ReviewAsync(id, ModerationState.Rejected, ModerationAction.Rejected, actor, reason, ct);

    private async Task<(ReviewOutcome, Event?)> ReviewAsync(Guid id, string moderation, string action, Actor actor, string? reason,
        CancellationToken ct)
    {
        const string sql = $"""
            update events set moderation = @moderation, revision = revision + 1, updated_at = greatest(now(), updated_at)
             where id = @id and moderation = '{ModerationState.Pending}'
            returning {EventStore.Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var updated = await connection.QuerySingleOrDefaultAsync<Event>(new CommandDefinition(sql, new { id, moderation }, transaction, cancellationToken: ct));
        if (updated is null)
        {
            var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from events where id = @id)", new { id }, transaction, cancellationToken: ct));
            return (exists ? ReviewOutcome.NotPending : ReviewOutcome.NotFound, null);
        }
        await LogAsync(connection, transaction, id, actor, action, reason, ct);
        await transaction.CommitAsync(ct);
        return (ReviewOutcome.Done, updated);
    }

    /// <summary>Writes an audit row inside the caller's transaction (the change's own).</summary>
    internal static Task LogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId, Actor actor, string action,
        string? reason, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "insert into moderation_log (event_id, actor_id, actor, action, reason) values (@eventId, @actorId, @actor, @action, @reason)",
            new { eventId, actorId = actor.AccountId, actor = actor.Name, action, reason }, transaction, cancellationToken: ct));

    /// <summary>The reason a submitter sees: the latest rejection's, or null.</summary>
    public async Task<string?> RejectionReasonAsync(Guid eventId, CancellationToken ct)
    {
        const string sql = """
            select reason from moderation_log where event_id = @eventId and action = @action order by at desc, id desc limit 1
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql,
            new { eventId, action = ModerationAction.Rejected }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ModerationEntry>> HistoryAsync(Guid eventId, CancellationToken ct)
    {
        const string sql = "select id, event_id, actor_id, actor, action, reason, at from moderation_log where event_id = @eventId order by at, id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ModerationEntry>(new CommandDefinition(sql, new { eventId }, cancellationToken: ct))).AsList();
    }
}
