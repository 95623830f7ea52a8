using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Import;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Endpoints;

public sealed record SkippedJson(string? Uid, string Reason);
public sealed record RunJson(long Id, DateTime StartedAt, DateTime? FinishedAt, string Outcome, int? HttpStatus, int Seen, int Created,
    int Updated, int Cancelled, int Unchanged, IReadOnlyList<SkippedJson> Skipped, IReadOnlyList<string> Notes, string? Problem)
{
    public static RunJson From(SourceRun r) => new(r.Id, r.StartedAt, r.FinishedAt, r.Outcome, r.HttpStatus, r.Seen, r.Created, r.Updated,
        r.Cancelled, r.Unchanged, r.Skipped.Select(s => new SkippedJson(s.Uid, s.Reason)).ToList(), r.Notes, r.Problem);
}
public sealed record SourceJson(Guid Id, string Name, string Url, string Organizer, string Kind, IReadOnlyList<string> Tags, bool AutoPublish,
    string? TimeZone, string State, DateTime NextRunAt, int Failures, DateTime CreatedAt, DateTime UpdatedAt, RunJson? LastRun,
    IReadOnlyList<RunJson>? Runs)
{
    public static SourceJson From(Source s, SourceRun? last, IReadOnlyList<SourceRun>? runs = null) => new(s.Id, s.Name, s.Url, s.Organizer,
        s.Kind, s.Tags, s.AutoPublish, s.TimeZone, s.State, s.NextRunAt, s.Failures, s.CreatedAt, s.UpdatedAt,
        last is null ? null : RunJson.From(last), runs?.Select(RunJson.From).ToList());
}

/// <summary>/api/sources: partner feeds, for moderators. Sources are retired, never deleted.</summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sources").WithTags("Partner feeds").RequireAuthorization(Policies.Moderate);
        group.MapGet("/", async (SourceStore sources, CancellationToken ct) =>
        {
            var latest = await sources.LatestRunsAsync(ct);
            return TypedResults.Ok((await sources.ListAsync(ct)).Select(s => SourceJson.From(s, latest.GetValueOrDefault(s.Id))).ToList());
        }).WithSummary("Sources, each with its latest run");
        group.MapPost("/", Create)
            .WithSummary("Register a partner's feed: {name, url, organizer, kind?, tags?, autoPublish?, timeZone?}");
        group.MapGet("/{id:guid}", Show).WithSummary("A source with its recent runs and their reports");
        group.MapPut("/{id:guid}", Update).WithSummary("Replace a source's settings");
        group.MapPost("/{id:guid}/pause", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Paused, s, ct)).WithSummary("Stop fetching for now");
        group.MapPost("/{id:guid}/resume", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Active, s, ct)).WithSummary("Fetch again (due at once)");
        group.MapPost("/{id:guid}/retire", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Retired, s, ct))
            .WithSummary("Stop fetching for good; its events stay as they are");
        group.MapPost("/{id:guid}/run", Run)
            .WithSummary("Fetch now and answer with the run report; acceptRemovals=true cancels what vanished even past the 30 % hold");
        return app;
    }

    private static async Task<Results<Created<SourceJson>, ValidationProblem, ConflictProblem>> Create(Validated<SourceInput> input,
        SourceStore sources, CancellationToken ct)
    {
        if (await SourceRules.DuplicateUrlAsync(input.Value, sources, null, ct) is { } message) return Problems.Validation("url", message);
        var (outcome, created) = await sources.CreateAsync(input.Value.ToFields(), ct);
        return outcome == SourceWrite.DuplicateUrl
            ? DuplicateUrl()
            : TypedResults.Created($"/api/sources/{created!.Id}", SourceJson.From(created, null, []));
    }

    private static async Task<Results<Ok<SourceJson>, NotFoundProblem>> Show(Guid id, SourceStore sources, CancellationToken ct)
    {
        if (await sources.FindAsync(id, ct) is not { } source) return Problems.NotFound("source");
        var runs = await sources.RunsAsync(id, SourceRules.RecentRuns, ct);
        return TypedResults.Ok(SourceJson.From(source, runs.FirstOrDefault(), runs));
    }

    private static async Task<Results<Ok<SourceJson>, ValidationProblem, NotFoundProblem, ConflictProblem>> Update(Guid id,
        Validated<SourceInput> input, SourceStore sources, CancellationToken ct)
    {
        if (await sources.FindAsync(id, ct) is null) return Problems.NotFound("source");
        if (await SourceRules.DuplicateUrlAsync(input.Value, sources, id, ct) is { } message) return Problems.Validation("url", message);
        var (outcome, updated) = await sources.UpdateAsync(id, input.Value.ToFields(), ct);
        return outcome switch
        {
            SourceWrite.NotFound => Problems.NotFound("source"),
            SourceWrite.DuplicateUrl => DuplicateUrl(),
            _ => TypedResults.Ok(SourceJson.From(updated!, null)),
        };
    }

    private static async Task<Results<Ok<SourceJson>, NotFoundProblem, ConflictProblem>> SetState(Guid id, string state, SourceStore sources,
        CancellationToken ct)
    {
        var (outcome, source) = await sources.SetStateAsync(id, state, ct);
        return outcome switch
        {
            SourceWrite.NotFound => Problems.NotFound("source"),
            SourceWrite.Retired => new ConflictProblem("Source retired",
                "This source is retired; it stays as a record and is not fetched again. Register the address as a new source instead."),
            _ => TypedResults.Ok(SourceJson.From(source!, null)),
        };
    }

    private static async Task<Results<Ok<RunJson>, ValidationProblem, NotFoundProblem, ConflictProblem>> Run(Guid id, Importer importer,
        string? acceptRemovals, CancellationToken ct)
    {
        if (acceptRemovals is not (null or "true" or "false"))
            return Problems.Validation("acceptRemovals", "acceptRemovals is true or false.");
        var (outcome, run) = await importer.RunNowAsync(id, acceptRemovals == "true", ct);
        return outcome switch
        {
            RunNowOutcome.NotFound => Problems.NotFound("source"),
            RunNowOutcome.Retired => new ConflictProblem("Source retired", "A retired source is not fetched."),
            RunNowOutcome.Busy => new ConflictProblem("Run in progress",
                "This source is being fetched right now (perhaps by another instance); its report will be in the source's runs."),
            _ => TypedResults.Ok(RunJson.From(run!)),
        };
    }

    private static ConflictProblem DuplicateUrl() => new("Address registered already", "Another live source fetches this address.");
}
