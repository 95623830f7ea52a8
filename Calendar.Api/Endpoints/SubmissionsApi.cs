using Calendar.Core.Feeds;
using System.Text.Json;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Endpoints;

public sealed record PendingJson(string Moderation);
public sealed record SubmissionJson(Guid Id, string Moderation, string StatusUrl, string? RejectionReason, EventJson Event);

/// <summary>/api/submissions: the submission form's JSON twin. Anyone may submit; everything waits for review.</summary>
public static class SubmissionsApi
{
    public static IEndpointRouteBuilder MapSubmissionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/submissions").WithTags("Submissions").AllowAnonymous();
        group.MapPost("/", Submit).RequireRateLimiting(RateLimits.Submissions)
            .WithSummary("Submit an event for review (always pending)")
            .WithDescription("Validated like POST /api/events plus the submission rules (at least one organizer). " +
                             "The answer carries statusUrl, a private link where the submitter sees the status and can correct " +
                             "the event while it is pending. Rate-limited per client. The field 'website' must stay absent or empty.");
        group.MapGet("/{token}", Status).WithSummary("The status of a submission, by the private token from its status link");
        return app;
    }

    private static async Task<Results<Created<SubmissionJson>, Accepted<PendingJson>>> Submit(Validated<SubmissionInput> input, HttpContext context,
        ModerationStore moderation, IOptions<CalendarOptions> options, CancellationToken ct)
    {
        // Answered as if accepted, and not validated (SubmissionInputValidator), so that a robot learns nothing; nothing is stored.
        if (input.Value.HoneypotFilled) return TypedResults.Accepted((string?)null, new PendingJson(ModerationState.Pending));

        var caller = Caller.From(context.User);
        var actor = context.User.Identity?.IsAuthenticated == true ? context.User.ToActor() : Actor.Submitter;
        var (created, token) = await moderation.SubmitAsync(EventDraft.From(input.Value), caller.AccountId, actor, ct);
        var json = new SubmissionJson(created.Id, created.Moderation, PublicBase.SubmissionStatus(context, options.Value, token), null,
            EventJson.From(created, includePrivate: true));
        return TypedResults.Created($"/api/submissions/{token}", json);
    }

    private static async Task<Results<Ok<SubmissionJson>, NotFoundProblem>> Status(string token, HttpContext context, ModerationStore moderation,
        IOptions<CalendarOptions> options, CancellationToken ct)
    {
        if (await moderation.FindBySubmissionTokenAsync(token, ct) is not { } e) return Problems.NotFound("submission");
        var reason = e.Moderation == ModerationState.Rejected
            ? await moderation.RejectionReasonAsync(e.Id, ct)
            : null;
        return TypedResults.Ok(new SubmissionJson(e.Id, e.Moderation, PublicBase.SubmissionStatus(context, options.Value, token), reason,
            EventJson.From(e, includePrivate: true)));
    }
}
