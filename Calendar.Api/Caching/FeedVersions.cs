using System.Collections.Concurrent;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Npgsql;

namespace Calendar.Api.Caching;

/// <summary>
/// The feed validators' inputs (the shared change counter and the window's last exit) kept in memory, so a feed
/// request, 304 or cached 200, needs no database round trip. Each instance LISTENs for the notification that
/// the version trigger sends at commit, and forgets what it knew when one arrives; until it is listening, after
/// a lost connection, past a few seconds, or when the day changes, it reads the row again. The database stays
/// the only source of truth: every instance derives the same validators from it.
/// </summary>
public sealed class FeedVersions(FeedStore store, NpgsqlDataSource dataSource, TimeProvider clock, DatabaseAvailability availability,
    ILogger<FeedVersions> logger)
    : BackgroundService
{
    public const string Channel = "calendar_version";
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private const int MaxRememberedFeeds = 1000;

    private sealed record Snapshot(FeedState State, DateTime ReadAt, long Generation)
    {
        public ConcurrentDictionary<string, NamedFeed?> Feeds { get; } = new(StringComparer.Ordinal);
    }

    private Snapshot? _current;
    private long _generation;
    private volatile bool _listening;

    public async ValueTask<FeedState> CurrentAsync(string? slug, CancellationToken ct)
    {
        var snapshot = Volatile.Read(ref _current);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!_listening || snapshot is null || snapshot.Generation != Interlocked.Read(ref _generation)
            || now - snapshot.ReadAt > MaxAge || now.Date != snapshot.State.WindowStart.AddDays(FeedState.WindowDays).Date)
        {
            var generation = Interlocked.Read(ref _generation);
            var state = await store.StateAsync(slug, ct);
            // Remember it only if no change was announced while reading, so a slow read never hides a newer version.
            if (_listening && generation == Interlocked.Read(ref _generation))
            {
                var fresh = new Snapshot(state with { Feed = null }, now, generation);
                if (slug is not null) fresh.Feeds[slug] = state.Feed;
                Volatile.Write(ref _current, fresh);
            }
            return state;
        }
        if (slug is null) return snapshot.State;
        if (snapshot.Feeds.TryGetValue(slug, out var feed)) return snapshot.State with { Feed = feed };

        var read = await store.StateAsync(slug, ct);
        if (read.Version == snapshot.State.Version && read.LastLeftEnd == snapshot.State.LastLeftEnd
            && snapshot.Feeds.Count < MaxRememberedFeeds)
            snapshot.Feeds[slug] = read.Feed;
        return read;
    }

    /// <summary>This instance has just written: what it remembers may be older than the write.</summary>
    public void ChangedHere() => Forget();

    private void Forget()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _current, null);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // An outage is not an error here: feeds serve their last version meanwhile. Reconnect with backoff (no storm
        // of connection attempts), log the loss once and the return once.
        var delay = TimeSpan.FromSeconds(1);
        var lost = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!availability.SetUp) throw new WaitingForSetUp();
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Forget();
                await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                Forget();
                _listening = true;
                availability.ReportAnswer();
                if (lost) logger.LogInformation("Feed version listener is listening again");
                lost = false;
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (WaitingForSetUp)
            {
            }
            catch (Exception ex) when (DatabaseAvailability.IsOutage(ex))
            {
                availability.ReportOutage(ex);
                if (!lost) logger.LogWarning("Feed version listener lost its connection ({Reason}); retrying with backoff", ex.Message);
                lost = true;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Feed version listener failed; feeds read the version from the database until it is back");
                lost = true;
            }
            finally
            {
                _listening = false;
                Forget();
            }
            try { await Task.Delay(delay, stoppingToken); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, DatabaseAvailability.MaxProbeInterval.Ticks));
        }
    }

    private sealed class WaitingForSetUp : Exception;
}
