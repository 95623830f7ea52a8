using System.Globalization;
using System.Text;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Pages;

/// <summary>
/// /newsletter?from&amp;to&amp;filters&amp;group=month|kind&amp;format=html|text: the events of a period for the network's
/// newsletter. The HTML is made for mail programs (Outlook's Word engine included): tables, inline styles, no
/// scripts, no images, no external files; its own CSP allows exactly that and nothing else.
/// </summary>
public static class NewsletterPages
{
    public const string Policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    public const int MaxEvents = 1000;

    public static IEndpointRouteBuilder MapNewsletter(this IEndpointRouteBuilder app)
    {
        app.MapGet("/newsletter", Newsletter).WithTags("Newsletter").Produces(StatusCodes.Status200OK, responseType: null, contentType: "text/html", "text/plain")
            .WithSummary("The events of a period as e-mail-ready HTML or, with format=text, plain text; grouped by month or kind (group=)")
            .WithDescription("Takes the filters of /api/events (without limit and cursor). Without 'from' the period starts today; without 'to' it lasts a month.");
        return app;
    }

    private static async Task<Results<RazorComponentResult<NewsletterPage>, ContentHttpResult, ValidationProblem>> Newsletter(HttpContext context, EventStore store, TimeProvider clock, IOptions<CalendarOptions> options,
        CancellationToken ct)
    {
        var query = context.Request.Query;
        var parsed = EventFilter.Parse(query, allowLimit: false, allowCursor: false);
        var errors = new Dictionary<string, string[]>(parsed.Errors);
        var group = query["group"].ToString() is { Length: > 0 } g ? g : "month";
        if (group is not ("month" or "kind")) errors["group"] = ["'group' must be month or kind."];
        var format = query["format"].ToString() is { Length: > 0 } f ? f : "html";
        if (format is not ("html" or "text")) errors["format"] = ["'format' must be html or text."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var today = clock.GetUtcNow().UtcDateTime.Date;
        var filter = parsed.Filter!;
        var from = filter.From ?? today;
        filter = filter with { From = from, To = filter.To ?? from.Date.AddMonths(1), Limit = EventFilter.MaxLimit };
        var occurrences = new List<Occurrence>();
        var truncated = false;
        while (true)
        {
            var page = await store.ListAsync(filter, from, ct);
            occurrences.AddRange(page.Take(filter.Limit));
            if (page.Count <= filter.Limit) break;
            if (occurrences.Count >= MaxEvents) { truncated = true; break; }
            filter = filter with { After = new ListPosition(page[filter.Limit - 1].StartsAt, page[filter.Limit - 1].Event.Id) };
        }
        filter = filter with { After = null, Limit = EventFilter.DefaultLimit };

        var baseUri = PublicBase.Uri(options.Value.PublicBaseUrl, context.Request);
        var model = new NewsletterModel(filter, Period(filter), Groups(occurrences, group), baseUri,
            baseUri.AbsoluteUri.TrimEnd('/') + "/" + filter.ToQueryString(), truncated);
        if (format == "text")
            return TypedResults.Text(PlainText(model), "text/plain; charset=utf-8");
        context.Response.Headers.ContentSecurityPolicy = Policy;
        return new RazorComponentResult<NewsletterPage>(new { Model = model });
    }

    /// <summary>"1 May 2026 – 31 May 2026" (the end is the last day in the period).</summary>
    public static string Period(EventFilter filter) =>
        $"{Display.Day(DateOnly.FromDateTime(filter.From!.Value))} – {Display.Day(DateOnly.FromDateTime(filter.To!.Value.AddTicks(-1)))}";

    private static IReadOnlyList<NewsletterGroup> Groups(IReadOnlyList<Occurrence> occurrences, string group) => group == "kind"
        ? occurrences.GroupBy(o => o.Event.Kind)
            .OrderBy(g => Array.IndexOf(Vocabulary.Kinds.ToArray(), g.Key))
            .Select(g => new NewsletterGroup(Display.KindLabel(FeedTitle.Plural(g.Key)), g.ToList())).ToList()
        : occurrences.GroupBy(Display.Month).Select(g => new NewsletterGroup(g.Key, g.ToList())).ToList();

    /// <summary>"Sat 6 May 2034, 14:00–15:30 CEST (Europe/Brussels)": the event's own time and zone, named.</summary>
    public static string When(Occurrence o) =>
        o.Event.TimeZone is null ? Display.When(o) + " (all day)" : $"{Display.When(o)} ({o.Event.TimeZone})";

    public static string Where(Event e) => Place.Short(e) is { Length: > 0 } place ? place : "Place to be announced";

    public static string Page(NewsletterModel m, Event e) => FeedLinks.EventPage(m.BaseUri, e.Id);

    private static string PlainText(NewsletterModel m)
    {
        var text = new StringBuilder();
        var heading = $"{m.Title}: {m.Period}";
        text.Append(heading).Append('\n').Append(new string('=', Math.Min(heading.Length, 72))).Append("\n\n");
        if (m.Groups.Count == 0) text.Append("No events in this period.\n\n");
        foreach (var group in m.Groups)
        {
            text.Append(group.Heading).Append('\n').Append(new string('-', group.Heading.Length)).Append("\n\n");
            foreach (var o in group.Occurrences)
            {
                var e = o.Event;
                text.Append("* ").Append(e.Status == EventStatus.Cancelled ? "CANCELLED: " : "").Append(e.Title).Append('\n');
                text.Append("  When: ").Append(When(o)).Append('\n');
                text.Append("  Where: ").Append(Where(e)).Append('\n');
                if (e.Organizers.Length > 0) text.Append("  Organizers: ").Append(string.Join(", ", e.Organizers)).Append('\n');
                text.Append("  Details: ").Append(Page(m, e)).Append("\n\n");
            }
        }
        if (m.Truncated) text.Append($"(The first {MaxEvents} events only: choose a shorter period.)\n\n");
        text.Append("All events and calendar subscriptions: ").Append(m.CalendarUrl).Append('\n');
        return text.ToString();
    }
}

public sealed record NewsletterGroup(string Heading, IReadOnlyList<Occurrence> Occurrences);

public sealed record NewsletterModel(EventFilter Filter, string Period, IReadOnlyList<NewsletterGroup> Groups, Uri BaseUri, string CalendarUrl,
    bool Truncated)
{
    public string Title => FeedTitle.For(Filter with { From = null, To = null });
}
