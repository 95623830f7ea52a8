using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>
/// Whether this instance may use the database: set-up (migrations, sample data) done and no outage known.
/// When a request meets an outage, routes stop trying the database (no retry storm: one probe, with backoff up to
/// <see cref="MaxProbeInterval"/>, instead of every request waiting on a dead server) and answer 503 at once; feeds
/// serve their last rendered version. The first probe that gets an answer clears the pool of connections the
/// restart broke and lets traffic through again. Connection and command timeouts are Npgsql's own (connection
/// string: Timeout, Command Timeout).
/// </summary>
public sealed class DatabaseAvailability(NpgsqlDataSource dataSource, ILogger<DatabaseAvailability> logger)
{
    public static readonly TimeSpan MaxProbeInterval = TimeSpan.FromSeconds(4);

    /// <summary>The Retry-After of a 503, in seconds.</summary>
    public const int RetryAfterSeconds = 10;

    private readonly Lock _gate = new();
    private volatile bool _setUp, _down;
    private DateTime _downSince;

    /// <summary>True when requests may go to the database.</summary>
    public bool Available => _setUp && !_down;

    public bool SetUp => _setUp;

    public void MarkSetUp() => _setUp = true;

    /// <summary>Whether an exception (or one it wraps) means the database cannot be reached or refuses work for
    /// now: connection refused, broken or timed out, pool exhausted, server shutting down or starting up.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53400";
                case NpgsqlException { IsTransient: true }:
                    return true;
                case System.Net.Sockets.SocketException or TimeoutException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Whether the server itself is gone (refused, broken or unanswered connection, shutdown), as opposed
    /// to one slow statement or a busy pool, which fail that request only.</summary>
    public static bool IsConnectionLoss(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03";
                case NpgsqlException when e.Message.StartsWith("Failed to connect", StringComparison.Ordinal):
                case System.Net.Sockets.SocketException or IOException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Records an outage that a request or background task met, and starts probing for the database's
    /// return; a failure that is not a lost connection (<see cref="IsConnectionLoss"/>) is not an outage.</summary>
    public void ReportOutage(Exception exception)
    {
        if (!IsConnectionLoss(exception)) return;
        lock (_gate)
        {
            if (_down) return;
            _down = true;
            _downSince = DateTime.UtcNow;
            logger.LogWarning("The database is unreachable ({Reason}); API and pages answer 503, feeds serve their last version until it is back",
                Describe(exception));
            _ = Task.Run(ProbeAsync);
        }
    }

    /// <summary>Something reached the database: whatever was known to be down is up again.</summary>
    public void ReportAnswer()
    {
        if (!_down) return;
        lock (_gate)
        {
            if (!_down) return;
            dataSource.Clear(); // pooled connections from before a restart are dead
            _down = false;
            logger.LogInformation("The database answers again after {Seconds:0.0} s", (DateTime.UtcNow - _downSince).TotalSeconds);
        }
    }

    private async Task ProbeAsync()
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (_down)
        {
            await Task.Delay(delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxProbeInterval.Ticks));
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("select 1", connection);
                await command.ExecuteScalarAsync();
                ReportAnswer();
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                logger.LogDebug("The database is still unreachable: {Reason}", Describe(ex));
            }
            catch (Exception ex)
            {
                // Answered, if with an error: it is reachable.
                logger.LogWarning(ex, "The database probe failed");
                ReportAnswer();
            }
        }
    }

    /// <summary>Runs <paramref name="setUp"/> (migrations, sample data) once now; when the database is not there
    /// yet, keeps trying in the background with backoff and returns, so the service starts, answers 503 and is not
    /// ready until it succeeds. Any other failure (a broken migration) is thrown.</summary>
    public async Task SetUpAsync(Func<CancellationToken, Task> setUp, CancellationToken stopping)
    {
        try
        {
            await setUp(stopping);
            _setUp = true;
            return;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            logger.LogWarning("Waiting for the database ({Reason}); the service answers 503 and is not ready until it is reachable",
                Describe(ex));
        }
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(500);
            var attempt = 1;
            while (!stopping.IsCancellationRequested)
            {
                try { await Task.Delay(delay, stopping); }
                catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxProbeInterval.Ticks));
                attempt++;
                try
                {
                    await setUp(stopping);
                    _setUp = true;
                    logger.LogInformation("The database is reachable; set-up done after {Attempts} attempts, the service is ready", attempt);
                    return;
                }
                catch (Exception ex) when (IsOutage(ex))
                {
                    logger.LogInformation("Still waiting for the database (attempt {Attempt}): {Reason}", attempt, Describe(ex));
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogCritical(ex, "Database set-up failed; the service stays unready");
                    return;
                }
            }
        }, CancellationToken.None);
    }

    private static string Describe(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null && e is not NpgsqlException) e = e.InnerException;
        return e.Message;
    }
}
