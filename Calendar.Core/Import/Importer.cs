using Calendar.Core.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Calendar.Core.Import;

public enum RunNowOutcome { Done, NotFound, Retired, Busy }

/// <summary>One run of a source: fetch, read, apply, record. A failed fetch or read changes nothing but the run's
/// record and the source's next attempt (with backoff).</summary>
public sealed class Importer(SourceStore sources, ImportStore store, FeedFetcher fetcher, IFeedReader reader, IOptions<ImportOptions> options,
    TimeProvider time, ILogger<Importer> logger)
{
    private ImportOptions Options => options.Value;

    /// <summary>Long enough for a whole run; a run that overruns it loses the source to another instance.</summary>
    private TimeSpan LeaseFor => Options.Timeout + TimeSpan.FromMinutes(5);

    /// <summary>Runs the next due source, if any; false when none is due (or all due ones are being run elsewhere).</summary>
    public async Task<bool> RunNextDueAsync(CancellationToken ct)
    {
        if (await sources.ClaimAsync(null, LeaseFor, ct) is not { } claim) return false;
        await RunAsync(claim.Source, claim.Lease, acceptRemovals: false, ct);
        return true;
    }

    public async Task<(RunNowOutcome, SourceRun?)> RunNowAsync(Guid id, bool acceptRemovals, CancellationToken ct)
    {
        if (await sources.ClaimAsync(id, LeaseFor, ct) is { } claim)
            return (RunNowOutcome.Done, await RunAsync(claim.Source, claim.Lease, acceptRemovals, ct));
        var source = await sources.FindAsync(id, ct);
        return source is null ? (RunNowOutcome.NotFound, null)
            : source.State == SourceState.Retired ? (RunNowOutcome.Retired, null)
            : (RunNowOutcome.Busy, null);
    }

    private async Task<SourceRun> RunAsync(Source source, Guid lease, bool acceptRemovals, CancellationToken ct)
    {
        var started = time.GetUtcNow().UtcDateTime;
        var run = new SourceRun { SourceId = source.Id, StartedAt = started, Id = await sources.StartRunAsync(source.Id, ct) };
        var next = started + Options.Interval;
        try
        {
            var fetched = await fetcher.FetchAsync(source.Url, source.Etag, source.LastModified, ct);
            run.HttpStatus = fetched.HttpStatus;
            if (fetched.Outcome == FetchOutcome.Failed)
                return await FailAsync(source, lease, run, fetched.Problem!, ct);
            if (fetched.Outcome == FetchOutcome.NotModified)
            {
                run.Outcome = RunOutcome.NotModified;
                await sources.FinishRunAsync(run, lease, next, failed: false, ct);
                return run;
            }

            FeedReadResult feed;
            try
            {
                feed = reader.Read(fetched.Body!, new FeedReadOptions(source.TimeZone, started, Options.HorizonPast, Options.HorizonFuture));
            }
            catch (NotACalendarException ex)
            {
                return await FailAsync(source, lease, run, $"Not an iCalendar feed: {ex.Message}", ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reading the feed of source {SourceId} failed", source.Id);
                return await FailAsync(source, lease, run, $"The feed could not be read: {ex.Message}", ct);
            }
            await store.ApplyAsync(source, lease, run, feed, acceptRemovals, Options.MaxVanishShare, started, Options.HorizonPast, Options.HorizonFuture,
                fetched.ETag, fetched.LastModified, next, ct);
            logger.LogInformation("Source {SourceId} run {Outcome}: {Created} created, {Updated} updated, {Cancelled} cancelled, {Skipped} skipped",
                source.Id, run.Outcome, run.Created, run.Updated, run.Cancelled, run.Skipped.Count);
            return run;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Run of source {SourceId} failed", source.Id);
            run.Created = run.Updated = run.Cancelled = run.Unchanged = 0;
            return await FailAsync(source, lease, run, "The run failed inside the service; nothing was changed. The log has the details.", ct);
        }
    }

    private async Task<SourceRun> FailAsync(Source source, Guid lease, SourceRun run, string problem, CancellationToken ct)
    {
        run.Outcome = RunOutcome.Failed;
        run.Problem = problem;
        await sources.FinishRunAsync(run, lease, time.GetUtcNow().UtcDateTime + Backoff(source.Failures + 1), failed: true, ct);
        return run;
    }

    /// <summary>After the n-th failure in a row: 5 minutes (or the interval, when shorter), doubling, at most a day.</summary>
    public TimeSpan Backoff(int failures)
    {
        var first = Options.Interval < TimeSpan.FromMinutes(5) ? Options.Interval : TimeSpan.FromMinutes(5);
        var delay = first * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay;
    }
}

/// <summary>Fetches due sources in the background. Every instance may run it: the lease in the database makes sure
/// each source is fetched by one instance at a time.</summary>
public sealed class ImportScheduler(Importer importer, IOptions<ImportOptions> options, ILogger<ImportScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await importer.RunNextDueAsync(stoppingToken)) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a while; the next round tries again.
                logger.LogWarning(ex, "The import scheduler could not run due sources");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
