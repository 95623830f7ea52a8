using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Pages;

/// <summary>/submit and /submissions/{token}: the public form and the submitter's private status page.</summary>
public static class SubmitPages
{
    public static IEndpointRouteBuilder MapSubmitPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter<FormPostFilter>();
        group.MapGet("/submit", ShowForm);
        group.MapPost("/submit", Submit).RequireRateLimiting(RateLimits.Submissions);
        group.MapGet("/submit/received", () => Pages.Message("Thank you",
            "Your submission was received and waits for review.", linkHref: "/", linkText: "Back to the calendar"));
        group.MapGet("/submissions/{token}", ShowStatus);
        group.MapPost("/submissions/{token}", Correct).RequireRateLimiting(RateLimits.Submissions);
        return app;
    }

    private static async Task<IResult> ShowForm(HttpContext context, IAntiforgery antiforgery, EventStore events, CancellationToken ct) =>
        Pages.Render<SubmitPage>(new
        {
            Form = new EventForm(),
            KnownTags = await KnownTagsAsync(events, ct),
            Token = antiforgery.GetAndStoreTokens(context),
        });

    private static async Task<IResult> Submit(HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, IValidator<EventInput> validator, CancellationToken ct)
    {
        var form = EventForm.FromForm(context.Request.Form);
        var (draft, _, errors) = await EventValidation.ValidateAsync(validator, form.ToInput(), submission: true, ct);
        if (errors is not null)
            return Pages.Render<SubmitPage>(new
            {
                Form = form,
                Errors = EventForm.ByField(errors),
                KnownTags = await KnownTagsAsync(events, ct),
                Token = antiforgery.GetAndStoreTokens(context),
            }, StatusCodes.Status400BadRequest);
        if (form.Website.Trim().Length > 0) return Pages.SeeOther("/submit/received");

        var caller = Caller.From(context.User);
        var actor = context.User.Identity?.IsAuthenticated == true ? context.User.ToActor() : Actor.Submitter;
        var (_, token) = await moderation.SubmitAsync(draft!, caller.AccountId, actor, ct);
        return Pages.SeeOther($"/submissions/{token}?new=1");
    }

    private static async Task<IResult> ShowStatus(string token, HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, IOptions<CalendarOptions> options, CancellationToken ct)
    {
        if (await moderation.FindBySubmissionTokenAsync(token, ct) is not { } e) return NotFound();
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex";
        return await StatusPage(context, antiforgery, events, moderation, options.Value, token, e,
            e.Moderation == ModerationState.Pending ? EventForm.FromInput(e.ToInput()) : null, null,
            justSubmitted: context.Request.Query.ContainsKey("new"), saved: context.Request.Query.ContainsKey("saved"), ct: ct);
    }

    private static async Task<IResult> Correct(string token, HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, IValidator<EventInput> validator, IOptions<CalendarOptions> options, CancellationToken ct)
    {
        if (await moderation.FindBySubmissionTokenAsync(token, ct) is not { } e) return NotFound();
        context.Response.Headers.CacheControl = "no-store";
        if (e.Moderation != ModerationState.Pending)
            return await StatusPage(context, antiforgery, events, moderation, options.Value, token, e, null, null, ct: ct);

        var form = EventForm.FromForm(context.Request.Form);
        var (draft, _, errors) = await EventValidation.ValidateAsync(validator, form.ToInput(), submission: true, ct);
        if (errors is not null)
            return await StatusPage(context, antiforgery, events, moderation, options.Value, token, e, form,
                EventForm.ByField(errors), status: StatusCodes.Status400BadRequest, ct: ct);

        long? expected = long.TryParse(context.Request.Form["revision"], out var r) ? r : e.Revision;
        // Pending is re-checked through the revision: an approval in between raises it, and the write then fails.
        var result = e.Revision == expected
            ? await events.ReplaceAsync(e.Id, draft!, EventScope.Moderator, expected, Actor.Submitter, ct)
            : new WriteResult(WriteOutcome.Stale);
        if (result.Outcome != WriteOutcome.Done)
        {
            var current = await moderation.FindBySubmissionTokenAsync(token, ct);
            if (current is null) return NotFound();
            return await StatusPage(context, antiforgery, events, moderation, options.Value, token, current, form,
                new Dictionary<string, List<string>> { ["title"] = ["The submission changed while you were editing it (perhaps it was reviewed). Check it below and save again."] },
                status: StatusCodes.Status409Conflict, ct: ct);
        }
        return Pages.SeeOther($"/submissions/{token}?saved=1");
    }

    private static async Task<IResult> StatusPage(HttpContext context, IAntiforgery antiforgery, EventStore events, ModerationStore moderation,
        CalendarOptions options, string token, Event e, EventForm? form, Dictionary<string, List<string>>? errors,
        bool justSubmitted = false, bool saved = false, int status = 200, CancellationToken ct = default)
    {
        var reason = e.Moderation == ModerationState.Rejected
            ? await moderation.RejectionReasonAsync(e.Id, ct)
            : null;
        return Pages.Render<SubmissionStatusPage>(new
        {
            Event = e,
            Token = token,
            StatusUrl = PublicBase.SubmissionStatus(context, options, token),
            Form = form,
            Errors = errors,
            KnownTags = await KnownTagsAsync(events, ct),
            Antiforgery = antiforgery.GetAndStoreTokens(context),
            JustSubmitted = justSubmitted,
            Saved = saved,
            RejectionReason = reason,
        }, status);
    }

    private static IResult NotFound() => Pages.Message("Submission not found",
        "This link does not lead to a submission. Check that you copied the whole link.", StatusCodes.Status404NotFound, "/submit", "Submit an event");

    public static async Task<IReadOnlyList<string>> KnownTagsAsync(EventStore events, CancellationToken ct) =>
        (await events.TagsAsync(ct)).Take(40).Select(t => t.Value).Order(StringComparer.Ordinal).ToList();
}
