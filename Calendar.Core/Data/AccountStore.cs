using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Calendar.Core.Data;

public sealed class Account
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string Role { get; init; } = "";
    public string? PasswordHash { get; init; }
    public int FailedLogins { get; init; }
    public DateTime? LockedUntil { get; init; }
    public Guid SessionStamp { get; init; }
    public DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
}

public sealed class ApiToken
{
    public Guid Id { get; init; }
    public Guid AccountId { get; init; }
    public string AccountEmail { get; init; } = "";
    public string Name { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? LastUsedAt { get; init; }
    public DateTime? RevokedAt { get; init; }
}

public enum SignInOutcome { Success, Failed, LockedOut }

public sealed record SignInResult(SignInOutcome Outcome, Account? Account = null, DateTime? LockedUntil = null);

public enum PasswordCheck { Failed, Success, SuccessRehashNeeded }

/// <summary>Password hashing by a well-kept library, supplied by the host (Calendar.Api: ASP.NET Core Identity's
/// PasswordHasher), so that Core needs no web stack.</summary>
public interface IPasswordHashing
{
    string Hash(string password);
    PasswordCheck Verify(string hash, string password);
}

/// <summary>
/// Accounts, passwords and API tokens. Passwords go through <see cref="IPasswordHashing"/> (Identity's PBKDF2 with
/// a per-password salt); tokens are 256-bit random values of which only the SHA-256 digest is stored, so a
/// leaked database reveals neither.
/// </summary>
public sealed class AccountStore(NpgsqlDataSource dataSource, TimeProvider clock, IPasswordHashing hashing)
{
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 12;
    private const string TokenPrefix = "cal_";

    private const string AccountColumns = "id, email, role, password_hash, failed_logins, locked_until, session_stamp, created_at, created_by";

    // Verified when no account matches, so that an unknown e-mail takes as long as a wrong password.
    private readonly string dummyHash = hashing.Hash("not a real password at all");

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string? CheckPassword(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < MinPasswordLength
            ? $"Use a password of at least {MinPasswordLength} characters."
            : password.Length > 200 ? "Use a password of at most 200 characters." : null;

    public async Task<Account?> CreateAsync(string email, string role, string? password, string createdBy, CancellationToken ct)
    {
        const string sql = $"""
            insert into accounts (id, email, role, password_hash, created_by) values (@id, @email, @role, @hash, @createdBy)
            on conflict (email) do nothing
            returning {AccountColumns}
            """;
        var hash = string.IsNullOrEmpty(password) ? null : hashing.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(sql,
            new { id = Guid.CreateVersion7(), email = NormalizeEmail(email), role, hash, createdBy }, cancellationToken: ct));
    }

    public async Task<bool> SetPasswordAsync(Guid id, string password, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update accounts set password_hash = @hash, failed_logins = 0, locked_until = null, session_stamp = gen_random_uuid() where id = @id",
            new { id, hash = hashing.Hash(password) }, cancellationToken: ct)) > 0;
    }

    public async Task<Account?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            $"select {AccountColumns} from accounts where id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<Account?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            $"select {AccountColumns} from accounts where email = @email", new { email = NormalizeEmail(email) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Account>> ListAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Account>(new CommandDefinition(
            $"select {AccountColumns} from accounts order by email", cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Checks a password. Failures are counted in the database (so every instance sees them); the fifth in a row
    /// locks the account for <see cref="LockoutDuration"/>, during which even the right password is refused.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken ct)
    {
        var account = await FindByEmailAsync(email, ct);
        if (account?.PasswordHash is null)
        {
            hashing.Verify(dummyHash, password);
            return new SignInResult(SignInOutcome.Failed);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // Verify before looking at the lock, so a locked account answers as slowly as any other.
        var verdict = hashing.Verify(account.PasswordHash, password);
        if (account.LockedUntil is { } until && until > now)
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: until);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (verdict == PasswordCheck.Failed)
        {
            const string fail = """
                update accounts set
                    failed_logins = case when failed_logins + 1 >= @max then 0 else failed_logins + 1 end,
                    locked_until = case when failed_logins + 1 >= @max then @lockUntil else locked_until end
                where id = @id
                returning locked_until
                """;
            var locked = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(fail,
                new { id = account.Id, max = MaxFailedLogins, lockUntil = now + LockoutDuration }, cancellationToken: ct));
            return locked is { } l && l > now
                ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: l)
                : new SignInResult(SignInOutcome.Failed);
        }

        var newHash = verdict == PasswordCheck.SuccessRehashNeeded ? hashing.Hash(password) : null;
        await connection.ExecuteAsync(new CommandDefinition(
            "update accounts set failed_logins = 0, locked_until = null, password_hash = coalesce(@newHash, password_hash) where id = @id",
            new { id = account.Id, newHash }, cancellationToken: ct));
        return new SignInResult(SignInOutcome.Success, account);
    }

    /// <summary>Creates a token and returns its value: the only time it exists outside the caller's hands.</summary>
    public async Task<(ApiToken Token, string Value)> CreateTokenAsync(Guid accountId, string name, CancellationToken ct)
    {
        var value = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        const string sql = """
            insert into api_tokens (id, account_id, name, token_hash) values (@id, @accountId, @name, @hash)
            returning id, account_id, (select email from accounts where id = @accountId) as account_email, name, created_at, last_used_at, revoked_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var token = await connection.QuerySingleAsync<ApiToken>(new CommandDefinition(sql,
            new { id = Guid.CreateVersion7(), accountId, name, hash = Digest(value) }, cancellationToken: ct));
        return (token, value);
    }

    /// <summary>The account behind a live token, recording when it was last used (at most once a minute per token,
    /// so a busy integration does not write on every request).</summary>
    public async Task<Account?> ResolveTokenAsync(string value, CancellationToken ct)
    {
        if (!value.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        const string sql = $"""
            with hit as (
                select t.id, t.account_id from api_tokens t where t.token_hash = @hash and t.revoked_at is null
            ), touched as (
                update api_tokens set last_used_at = now()
                 where id = (select id from hit) and (last_used_at is null or last_used_at < now() - interval '1 minute')
            )
            select {AccountColumns} from accounts where id = (select account_id from hit)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(sql, new { hash = Digest(value) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct)
    {
        const string sql = """
            select t.id, t.account_id, a.email as account_email, t.name, t.created_at, t.last_used_at, t.revoked_at
              from api_tokens t join accounts a on a.id = t.account_id
             order by a.email, t.created_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ApiToken>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RevokeTokenAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = @id", new { id }, cancellationToken: ct)) > 0;
    }

    public static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
