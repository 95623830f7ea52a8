using System.Diagnostics;
using System.Threading.RateLimiting;
using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>
/// A fixed-window limit whose counter lives in PostgreSQL (table rate_limit_counters), so that N instances behind a
/// proxy give a client the limit once, not N times. One upsert per limited request; windows are aligned to the
/// database clock, so every instance agrees where a window starts. Plugged into ASP.NET Core's rate-limiting
/// middleware (RequireRateLimiting, OnRejected and Retry-After work as with the built-in limiters).
/// </summary>
public sealed class DatabaseWindowLimiter(NpgsqlDataSource dataSource, string policy, string clientKey, int permitLimit, TimeSpan window)
    : RateLimiter
{
    private const string CountSql = """
        insert into rate_limit_counters as c (policy, client_key, window_start, hits)
        values ($1, $2, date_bin($3, now(), timestamptz '2000-01-01 00:00:00+00'), 1)
        on conflict (policy, client_key) do update
            set hits = case when c.window_start = excluded.window_start then c.hits + 1 else 1 end,
                window_start = excluded.window_start
        returning hits, extract(epoch from (window_start + $3 - now()))::float8
        """;

    // Rows of clients not seen for a day are removed now and then (one limited request in 500, at random).
    private const string CleanupSql = "delete from rate_limit_counters where window_start < now() - interval '1 day'";
    private const int CleanupOneIn = 500;

    private long _lastUsed = Stopwatch.GetTimestamp();

    // Idle limiters are dropped by the partitioned limiter; nothing is lost since the count is in the database.
    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    // The middleware tries a synchronous acquire first; answering "not yet" sends it to the asynchronous path below.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0) return Lease.Granted;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(CountSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = policy });
        command.Parameters.Add(new NpgsqlParameter { Value = clientKey });
        command.Parameters.Add(new NpgsqlParameter { Value = window });
        int hits;
        double secondsLeft;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            hits = reader.GetInt32(0);
            secondsLeft = reader.GetDouble(1);
        }
        if (Random.Shared.Next(CleanupOneIn) == 0)
        {
            await using var cleanup = new NpgsqlCommand(CleanupSql, connection);
            await cleanup.ExecuteNonQueryAsync(cancellationToken);
        }
        return hits <= permitLimit ? Lease.Granted : new Lease(false, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(secondsLeft))));
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter = null) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease NotYet = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
