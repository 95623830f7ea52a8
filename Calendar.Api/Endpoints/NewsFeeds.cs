using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using Calendar.Api.Caching;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using FeedAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Calendar.Api.Endpoints.FeedEndpoints.FeedFile, Calendar.Api.Hosting.NotModified,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, Calendar.Api.Hosting.NotFoundProblem, Calendar.Api.Hosting.UnavailableProblem,
    Calendar.Api.Endpoints.FeedEndpoints.Outage>;

namespace Calendar.Api.Endpoints;

/// <summary>
/// RSS 2.0 and Atom 1.0 for news readers, written by System.ServiceModel.Syndication: the most recently published
/// events of a filter, newest first, each with its date and time in its own zone, its place and its page.
/// </summary>
public static class NewsFeeds
{
    public const int MaxItems = 50;

    public static RouteGroupBuilder MapNewsFeeds(this RouteGroupBuilder feeds, string[] methods)
    {
        feeds.MapMethods("/feeds/events.rss", methods,
                (HttpContext context, FeedVersions versions, FeedStore store, EventArchive archive, FeedCache cache, TimeProvider clock,
                    IOptions<CalendarOptions> options, DatabaseAvailability availability, CancellationToken ct) => Serve(context, versions, store, archive, cache, clock, options, availability, atom: false, ct))
            .WithSummary("RSS 2.0: the most recently published events, newest first; takes the filters of /feeds/events.ics");
        feeds.MapMethods("/feeds/events.atom", methods,
                (HttpContext context, FeedVersions versions, FeedStore store, EventArchive archive, FeedCache cache, TimeProvider clock,
                    IOptions<CalendarOptions> options, DatabaseAvailability availability, CancellationToken ct) => Serve(context, versions, store, archive, cache, clock, options, availability, atom: true, ct))
            .WithSummary("Atom 1.0: the most recently published events, newest first; takes the filters of /feeds/events.ics");
        return feeds;
    }

    private static async Task<FeedAnswer> Serve(HttpContext context, FeedVersions versions, FeedStore store, EventArchive archive, FeedCache cache,
        TimeProvider clock, IOptions<CalendarOptions> options, DatabaseAvailability availability, bool atom, CancellationToken ct)
    {
        var parsed = EventFilter.Parse(context.Request.Query, allowLimit: false, allowCursor: false);
        if (parsed.Filter is not { } filter) return Problems.Validation(parsed.Errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var extension = atom ? "atom" : "rss";
        // The day is part of the key (and so of the ETag): a series is announced by its next occurrence.
        var key = $"{extension}:{now:yyyyMMdd}:{filter.CanonicalQuery()}";
        var baseUrl = FeedEndpoints.BaseUrl(context, options);
        // Like the .ics feeds, news readers keep getting this instance's last rendering while the database is out of reach.
        return await FeedEndpoints.OrLastVersion(context, cache, availability, key, baseUrl, $"events.{extension}", true, async () =>
        {
            var state = await versions.CurrentAsync(null, ct);
            return await FeedEndpoints.Serve(context, store, cache, state, key, baseUrl, $"events.{extension}",
                async (baseUrl, renderCt) => Render(await archive.RecentlyPublishedAsync(filter, state.WindowStart, MaxItems, renderCt), filter, baseUrl,
                    $"{baseUrl}/feeds/events.{extension}{filter.ToQueryString()}", atom, now, state.LastModified),
                ct, inline: true, contentType: atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8");
        });
    }

    public static byte[] Render(IReadOnlyList<PublishedEvent> events, EventFilter filter, string baseUrl, string selfUrl, bool atom, DateTime now,
        DateTime lastModified)
    {
        var home = new Uri(baseUrl + "/" + filter.ToQueryString());
        var feed = new SyndicationFeed(FeedTitle.For(filter), FeedTitle.Describe(filter), home)
        {
            Id = selfUrl,
            Language = "en",
            Generator = FeedTitle.Base,
            LastUpdatedTime = new DateTimeOffset(DateTime.SpecifyKind(lastModified, DateTimeKind.Utc)),
            Items = events.Select(p => Item(p, baseUrl, now)).ToList(),
        };
        feed.Links.Add(new SyndicationLink(new Uri(selfUrl), "self", null, atom ? "application/atom+xml" : "application/rss+xml", 0));

        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            if (atom) new Atom10FeedFormatter(feed).WriteTo(writer);
            else new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: true).WriteTo(writer);
        }
        return output.ToArray();
    }

    private static SyndicationItem Item(PublishedEvent published, string baseUrl, DateTime now)
    {
        var e = published.Event;
        // A series is announced by its next occurrence (or its last, once over), as on its page.
        var o = e.Recurrence is null
            ? Occurrence.Single(e)
            : Occurrences.Expand(e, now, null, null, 1).FirstOrDefault() ?? Occurrence.Single(e);
        var page = FeedLinks.EventPage(new Uri(baseUrl + "/"), e.Id);
        var item = new SyndicationItem(
            (e.Status == EventStatus.Cancelled ? "Cancelled: " : "") + e.Title,
            SyndicationContent.CreatePlaintextContent(Summary(e, o)),
            new Uri(page),
            "urn:uuid:" + e.Id.ToString("D"),
            new DateTimeOffset(Later(published.PublishedAt, e.UpdatedAt), TimeSpan.Zero))
        {
            PublishDate = new DateTimeOffset(published.PublishedAt, TimeSpan.Zero),
        };
        item.Categories.Add(new SyndicationCategory(e.Kind));
        foreach (var tag in e.Tags) item.Categories.Add(new SyndicationCategory(tag));
        return item;
    }

    /// <summary>What a reader needs before clicking: when (in the event's own zone, named), where, who, then the text.</summary>
    public static string Summary(Event e, Occurrence o)
    {
        var text = new StringBuilder();
        text.Append("When: ").Append(Display.When(o));
        if (e.TimeZone is not null) text.Append(" (").Append(e.TimeZone).Append(')');
        if (e.Recurrence is not null) text.Append(" · ").Append(Display.Repeats(e.Recurrence));
        text.Append('\n');
        var place = Place.Short(e);
        text.Append("Where: ").Append(place.Length > 0 ? place : "To be announced").Append('\n');
        if (e.Organizers.Length > 0) text.Append("Organizers: ").Append(string.Join(", ", e.Organizers)).Append('\n');
        if (e.Description.Length > 0) text.Append('\n').Append(e.Description.Length <= 1000 ? e.Description : e.Description[..1000] + "…");
        return text.ToString();
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;
}
