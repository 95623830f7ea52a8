using System.Collections.Frozen;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;

namespace Calendar.Api.Pages;

/// <summary>
/// /admin: the review queue and event pages for moderators, "my events" for coordinators. Every route checks role
/// and ownership on the server; every post carries an antiforgery token; every change is written to the audit log.
/// </summary>
public static class AdminPages
{
    private static readonly FrozenDictionary<string, string> Notices = new Dictionary<string, string>
    {
        [ModerationAction.Approved] = "Approved: the event is now public.",
        [ModerationAction.Rejected] = "Rejected: the submitter sees the reason on their status page.",
        [ModerationAction.Cancelled] = "Marked as cancelled; it stays in feeds so subscribers see the cancellation.",
        [ModerationAction.Deleted] = "Deleted.",
        ["saved"] = "Saved.",
        ["reviewed"] = "This event was reviewed already.",
    }.ToFrozenDictionary();

    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/denied", () => Pages.Message("Not allowed", "Your account cannot open this page.",
            StatusCodes.Status403Forbidden, "/admin", "Back")).AllowAnonymous().ExcludeFromDescription();

        var group = app.MapGroup("/admin").RequireAuthorization(Policies.Contribute).ExcludeFromDescription()
            .AddEndpointFilter<FormPostFilter>();
        group.MapGet("/", Home);
        group.MapGet("/events/{id:guid}", ShowEvent);
        group.MapPost("/events/{id:guid}/approve", Approve).RequireAuthorization(Policies.Moderate);
        group.MapPost("/events/{id:guid}/reject", Reject).RequireAuthorization(Policies.Moderate);
        group.MapPost("/events/{id:guid}/cancel", Cancel);
        group.MapPost("/events/{id:guid}/delete", Delete).RequireAuthorization(Policies.Moderate);
        group.MapGet("/events/{id:guid}/edit", ShowEdit);
        group.MapPost("/events/{id:guid}/edit", SaveEdit);
        group.MapAdminAccountPages();
        group.MapAdminSourcePages();
        return app;
    }

    private static async Task<IResult> Home(HttpContext context, IAntiforgery antiforgery, ModerationStore moderation, ImportStore imports,
        string? done, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var events = caller.IsModerator
            ? await moderation.QueueAsync(500, ct)
            : caller.AccountId is { } id ? await moderation.OwnedByAsync(id, ct) : [];
        return Pages.Render<AdminPage>(new
        {
            caller.IsModerator,
            UserName = context.User.Identity?.Name ?? "",
            Events = events,
            ImportNotes = await imports.NotesAsync(events.Select(e => e.Id), ct),
            Notice = done is not null && Notices.TryGetValue(done, out var n) ? n : null,
            Token = antiforgery.GetAndStoreTokens(context),
        });
    }

    private static async Task<IResult> ShowEvent(Guid id, HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, string? done, CancellationToken ct)
    {
        var (e, refusal) = await FindOwnAsync(id, context, events, ct);
        if (refusal is not null) return refusal;
        return await EventPage(context, antiforgery, moderation, e!, done is not null && Notices.TryGetValue(done, out var n) ? n : null,
            null, null, 200, ct);
    }

    private static async Task<IResult> EventPage(HttpContext context, IAntiforgery antiforgery, ModerationStore moderation, Event e,
        string? notice, string? reason, Dictionary<string, List<string>>? errors, int status, CancellationToken ct) =>
        Pages.Render<AdminEventPage>(new
        {
            Event = e,
            History = await moderation.HistoryAsync(e.Id, ct),
            Import = (await context.RequestServices.GetRequiredService<ImportStore>().NotesAsync([e.Id], ct)).GetValueOrDefault(e.Id),
            Caller.From(context.User).IsModerator,
            UserName = context.User.Identity?.Name ?? "",
            Notice = notice,
            Reason = reason,
            Errors = errors,
            Token = antiforgery.GetAndStoreTokens(context),
        }, status);

    private static async Task<IResult> Approve(Guid id, HttpContext context, ModerationStore moderation, CancellationToken ct)
    {
        var (outcome, _) = await moderation.ApproveAsync(id, context.User.ToActor(), ct);
        return outcome switch
        {
            ReviewOutcome.NotFound => NotFound(),
            ReviewOutcome.NotPending => Pages.SeeOther($"/admin/events/{id}?done=reviewed"),
            _ => Pages.SeeOther($"/admin?done={ModerationAction.Approved}"),
        };
    }

    private static async Task<IResult> Reject(Guid id, HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, IValidator<RejectBody> validator, CancellationToken ct)
    {
        var reason = context.Request.Form["reason"].ToString();
        if ((await validator.ValidateAsync(new RejectBody(reason), ct)).Errors.FirstOrDefault()?.ErrorMessage is { } message)
        {
            if (await events.FindAsync(id, ct) is not { } e) return NotFound();
            return await EventPage(context, antiforgery, moderation, e, null, reason,
                new Dictionary<string, List<string>> { ["reason"] = [message] }, StatusCodes.Status400BadRequest, ct);
        }
        var (outcome, _) = await moderation.RejectAsync(id, context.User.ToActor(), reason.Trim(), ct);
        return outcome switch
        {
            ReviewOutcome.NotFound => NotFound(),
            ReviewOutcome.NotPending => Pages.SeeOther($"/admin/events/{id}?done=reviewed"),
            _ => Pages.SeeOther($"/admin?done={ModerationAction.Rejected}"),
        };
    }

    private static async Task<IResult> Cancel(Guid id, HttpContext context, EventStore events, CancellationToken ct)
    {
        var result = await events.CancelAsync(id, Caller.From(context.User).Scope, null, context.User.ToActor(), ct);
        if (result.Outcome == WriteOutcome.NotFound) return NotFound();
        if (result.Outcome == WriteOutcome.Forbidden) return Forbidden();
        return Pages.SeeOther($"/admin/events/{id}?done={ModerationAction.Cancelled}");
    }

    private static async Task<IResult> Delete(Guid id, HttpContext context, EventStore events, CancellationToken ct)
    {
        if (!await events.DeleteAsync(id, context.User.ToActor(), ct)) return NotFound();
        return Pages.SeeOther($"/admin?done={ModerationAction.Deleted}");
    }

    private static async Task<IResult> ShowEdit(Guid id, HttpContext context, IAntiforgery antiforgery, EventStore events, CancellationToken ct)
    {
        var (e, refusal) = await FindOwnAsync(id, context, events, ct);
        if (refusal is not null) return refusal;
        return await EditPage(context, antiforgery, events, e!, EventForm.FromInput(e!.ToInput()), null, e!.Revision, 200, ct);
    }

    private static async Task<IResult> SaveEdit(Guid id, HttpContext context, IAntiforgery antiforgery, EventStore events,
        ModerationStore moderation, IValidator<EventInput> validator, CancellationToken ct)
    {
        var (e, refusal) = await FindOwnAsync(id, context, events, ct);
        if (refusal is not null) return refusal;
        var form = EventForm.FromForm(context.Request.Form);
        long? expected = long.TryParse(context.Request.Form["revision"], out var r) ? r : null;
        var (draft, _, errors) = await EventValidation.ValidateAsync(validator, form.ToInput(), submission: false, ct);
        if (errors is not null)
            return await EditPage(context, antiforgery, events, e!, form, EventForm.ByField(errors), expected ?? e!.Revision, 400, ct);

        var result = await events.ReplaceAsync(id, draft!, Caller.From(context.User).Scope, expected, context.User.ToActor(), ct);
        switch (result.Outcome)
        {
            case WriteOutcome.NotFound: return NotFound();
            case WriteOutcome.Forbidden: return Forbidden();
            case WriteOutcome.Stale:
                return await EditPage(context, antiforgery, events, e!, form,
                    new Dictionary<string, List<string>> { ["title"] = ["Someone changed this event while you were editing it. Open it again to see their change."] },
                    expected ?? e!.Revision, StatusCodes.Status409Conflict, ct);
        }
        return Pages.SeeOther($"/admin/events/{id}?done=saved");
    }

    private static async Task<IResult> EditPage(HttpContext context, IAntiforgery antiforgery, EventStore events, Event e, EventForm form,
        Dictionary<string, List<string>>? errors, long revision, int status, CancellationToken ct) =>
        Pages.Render<AdminEditPage>(new
        {
            e.Id,
            e.Title,
            Revision = revision,
            Form = form,
            Errors = errors,
            KnownTags = await SubmitPages.KnownTagsAsync(events, ct),
            Caller.From(context.User).IsModerator,
            UserName = context.User.Identity?.Name ?? "",
            Token = antiforgery.GetAndStoreTokens(context),
        }, status);

    /// <summary>The event if the caller may see it in /admin: moderators any, coordinators their own.</summary>
    private static async Task<(Event?, IResult?)> FindOwnAsync(Guid id, HttpContext context, EventStore events, CancellationToken ct)
    {
        var e = await events.FindAsync(id, ct);
        if (e is null) return (null, NotFound());
        if (!Caller.From(context.User).Scope.Allows(e)) return (null, Forbidden());
        return (e, null);
    }


    private static IResult NotFound() => Pages.Message("Not found", "There is no event at this address (it may have been deleted).",
        StatusCodes.Status404NotFound, "/admin", "Back to the list");

    private static IResult Forbidden() => Pages.Message("Not allowed", "You can open and change only the events you submitted.",
        StatusCodes.Status403Forbidden, "/admin", "Back to your events");
}
