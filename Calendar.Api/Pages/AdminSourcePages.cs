using System.Collections.Frozen;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Import;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;

namespace Calendar.Api.Pages;

/// <summary>/admin/sources: partner feeds for moderators: list, add, edit, pause, resume, run now, retire, and each
/// source's recent runs with their reports.</summary>
public static class AdminSourcePages
{
    private static readonly FrozenDictionary<string, string> Notices = new Dictionary<string, string>
    {
        ["created"] = "Source added. It is fetched within the next minute; use “Fetch now” to see its first report at once.",
        ["saved"] = "Saved. The next run reads the whole feed again and applies the new settings.",
        [SourceState.Paused] = "Paused: the source is not fetched until you resume it.",
        [SourceState.Active] = "Resumed: the source is fetched again, starting now.",
        [SourceState.Retired] = "Retired: the source is no longer fetched; its events stay as they are.",
        ["run"] = "Fetched. The report is the first of the recent runs below.",
        ["busy"] = "This source is being fetched right now (perhaps by another instance); its report will appear below.",
        ["is-retired"] = "This source is retired and cannot be changed or fetched.",
    }.ToFrozenDictionary();

    public static RouteGroupBuilder MapAdminSourcePages(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/sources").RequireAuthorization(Policies.Moderate);
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{id:guid}", Show);
        group.MapPost("/{id:guid}", Save);
        group.MapPost("/{id:guid}/pause", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Paused, s, ct));
        group.MapPost("/{id:guid}/resume", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Active, s, ct));
        group.MapPost("/{id:guid}/retire", (Guid id, SourceStore s, CancellationToken ct) => SetState(id, SourceState.Retired, s, ct));
        group.MapPost("/{id:guid}/run", Run);
        return admin;
    }

    private static async Task<IResult> List(HttpContext context, IAntiforgery antiforgery, SourceStore sources, CancellationToken ct) =>
        await ListPage(context, antiforgery, sources, new SourceInput { Kind = "other", AutoPublish = false }, null, 200, ct);

    private static async Task<IResult> ListPage(HttpContext context, IAntiforgery antiforgery, SourceStore sources, SourceInput form,
        Dictionary<string, List<string>>? errors, int status, CancellationToken ct) =>
        Pages.Render<AdminSourcesPage>(new
        {
            UserName = context.User.Identity?.Name ?? "",
            Sources = await sources.ListAsync(ct),
            LatestRuns = await sources.LatestRunsAsync(ct),
            Form = form,
            Errors = errors,
            Token = antiforgery.GetAndStoreTokens(context),
        }, status);

    private static async Task<IResult> Create(HttpContext context, IAntiforgery antiforgery, IValidator<SourceInput> validator, SourceStore sources,
        CancellationToken ct)
    {
        var form = FromForm(context.Request.Form);
        var (fields, errors) = await SourceRules.CheckAsync(form, validator, sources, null, ct);
        if (fields is not null)
        {
            var (outcome, created) = await sources.CreateAsync(fields, ct);
            if (outcome == SourceWrite.Done) return Pages.SeeOther($"/admin/sources/{created!.Id}?done=created");
            errors["url"] = ["Another live source fetches this address."];
        }
        return await ListPage(context, antiforgery, sources, form, ByField(errors), StatusCodes.Status400BadRequest, ct);
    }

    private static async Task<IResult> Show(Guid id, HttpContext context, IAntiforgery antiforgery, SourceStore sources, string? done, CancellationToken ct)
    {
        if (await sources.FindAsync(id, ct) is not { } source) return NotFound();
        return await SourcePage(context, antiforgery, sources, source, SourceInput.From(source),
            done is not null && Notices.TryGetValue(done, out var n) ? n : null, null, 200, ct);
    }

    private static async Task<IResult> SourcePage(HttpContext context, IAntiforgery antiforgery, SourceStore sources, Source source, SourceInput form,
        string? notice, Dictionary<string, List<string>>? errors, int status, CancellationToken ct) =>
        Pages.Render<AdminSourcePage>(new
        {
            UserName = context.User.Identity?.Name ?? "",
            Source = source,
            Runs = await sources.RunsAsync(source.Id, SourceRules.RecentRuns, ct),
            Form = form,
            Notice = notice,
            Errors = errors,
            Token = antiforgery.GetAndStoreTokens(context),
        }, status);

    private static async Task<IResult> Save(Guid id, HttpContext context, IAntiforgery antiforgery, IValidator<SourceInput> validator,
        SourceStore sources, CancellationToken ct)
    {
        if (await sources.FindAsync(id, ct) is not { } source) return NotFound();
        var form = FromForm(context.Request.Form);
        var (fields, errors) = await SourceRules.CheckAsync(form, validator, sources, id, ct);
        if (fields is not null)
        {
            var (outcome, _) = await sources.UpdateAsync(id, fields, ct);
            if (outcome == SourceWrite.Done) return Pages.SeeOther($"/admin/sources/{id}?done=saved");
            if (outcome == SourceWrite.NotFound) return NotFound();
            errors["url"] = ["Another live source fetches this address."];
        }
        return await SourcePage(context, antiforgery, sources, source, form, null, ByField(errors), StatusCodes.Status400BadRequest, ct);
    }

    private static async Task<IResult> SetState(Guid id, string state, SourceStore sources, CancellationToken ct)
    {
        var (outcome, _) = await sources.SetStateAsync(id, state, ct);
        return outcome switch
        {
            SourceWrite.NotFound => NotFound(),
            SourceWrite.Retired => Pages.SeeOther($"/admin/sources/{id}?done=is-retired"),
            _ => Pages.SeeOther($"/admin/sources/{id}?done={state}"),
        };
    }

    private static async Task<IResult> Run(Guid id, HttpContext context, Importer importer, CancellationToken ct)
    {
        var accept = context.Request.Form["acceptRemovals"] == "true";
        var (outcome, _) = await importer.RunNowAsync(id, accept, ct);
        return outcome switch
        {
            RunNowOutcome.NotFound => NotFound(),
            RunNowOutcome.Retired => Pages.SeeOther($"/admin/sources/{id}?done=is-retired"),
            RunNowOutcome.Busy => Pages.SeeOther($"/admin/sources/{id}?done=busy"),
            _ => Pages.SeeOther($"/admin/sources/{id}?done=run#runs"),
        };
    }

    private static SourceInput FromForm(IFormCollection form) => new()
    {
        Name = form["name"].ToString(),
        Url = form["url"].ToString(),
        Organizer = form["organizer"].ToString(),
        Kind = form["kind"].ToString(),
        Tags = [.. form["tags"].ToString().Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)],
        AutoPublish = form["autoPublish"] == "true",
        TimeZone = form["timeZone"].ToString(),
    };

    /// <summary>Errors keyed by the form's field ids (tags[2] is the tags field).</summary>
    private static Dictionary<string, List<string>> ByField(Dictionary<string, string[]> errors) =>
        errors.GroupBy(e => e.Key.StartsWith("tags", StringComparison.Ordinal) ? "tags" : e.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).Distinct().ToList());

    private static IResult NotFound() => Pages.Message("Not found", "There is no source at this address.",
        StatusCodes.Status404NotFound, "/admin/sources", "Back to the sources");
}
