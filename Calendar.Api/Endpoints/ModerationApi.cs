using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Endpoints;

public sealed record RejectBody(string? Reason);
public sealed record ModerationEntryJson(string Action, string Actor, string? Reason, DateTime At);
public sealed record QueueJson(IReadOnlyList<EventJson> Items);

/// <summary>/api/moderation: the review queue, for moderators only. Every action is written to the audit log.</summary>
public static class ModerationApi
{
    public static IEndpointRouteBuilder MapModerationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/moderation").WithTags("Moderation").RequireAuthorization(Policies.Moderate);
        group.MapGet("/queue", Queue).WithSummary("Pending events, oldest first, with everything needed to judge them (contactEmail included)")
            .WithDescription("An event imported from a partner feed also carries `import`: its source, `possibleDuplicate` (an existing event on the same day with a similar title, never merged) and the locally edited fields.");
        group.MapPost("/{id:guid}/approve", Approve).WithSummary("Publish a pending event");
        group.MapPost("/{id:guid}/reject", Reject).Accepts<RejectBody>("application/json")
            .WithSummary("Reject a pending event with a reason the submitter will see on the status page");
        group.MapGet("/{id:guid}/history", History).WithSummary("Who did what to an event, and when");
        return app;
    }

    private static async Task<Ok<QueueJson>> Queue(ModerationStore moderation, ImportStore imports, CancellationToken ct)
    {
        var events = await moderation.QueueAsync(200, ct);
        var notes = await imports.NotesAsync(events.Select(e => e.Id), ct);
        return TypedResults.Ok(new QueueJson(events.Select(e => EventJson.From(e, includePrivate: true) with
        {
            Import = notes.GetValueOrDefault(e.Id) is { } note ? ImportJson.From(note) : null,
        }).ToList()));
    }

    private static async Task<IResult> Approve(Guid id, HttpContext context, ModerationStore moderation, CancellationToken ct) =>
        Answer(await moderation.ApproveAsync(id, context.User.ToActor(), ct));

    private static async Task<IResult> Reject(Guid id, HttpContext context, JsonBody body, ModerationStore moderation, CancellationToken ct)
    {
        var read = await body.ReadAsync<RejectBody>(context.Request);
        if (read.Problem is not null) return read.Problem;
        if (ModerationRules.CheckReason(read.Value!.Reason) is { } message)
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = [message] });
        return Answer(await moderation.RejectAsync(id, context.User.ToActor(), read.Value.Reason!.Trim(), ct));
    }

    private static async Task<IResult> History(Guid id, ModerationStore moderation, CancellationToken ct) =>
        TypedResults.Ok((await moderation.HistoryAsync(id, ct)).Select(h => new ModerationEntryJson(h.Action, h.Actor, h.Reason, h.At)).ToList());

    private static IResult Answer((ReviewOutcome Outcome, Calendar.Core.Events.Event? Event) result) => result.Outcome switch
    {
        ReviewOutcome.Done => TypedResults.Ok(EventJson.From(result.Event!, includePrivate: true)),
        ReviewOutcome.NotFound => Problems.NotFound("event"),
        _ => TypedResults.Problem(statusCode: 409, title: "Not pending", detail: "Only pending events can be approved or rejected; this one was reviewed already."),
    };
}
