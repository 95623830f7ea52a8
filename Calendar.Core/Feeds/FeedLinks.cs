using System.Globalization;
using System.Text;
using Calendar.Core.Events;

namespace Calendar.Core.Feeds;

/// <summary>The ways to subscribe to one feed (SPEC "Feeds", ICAL-INTEROP Q7).</summary>
public sealed record SubscribeLinks(string Name, string Https, string Webcal, string Google, string OutlookWork, string OutlookPersonal)
{
    /// <summary>Google drops subscription URLs of 256 characters or more without a word.</summary>
    public bool FitsGoogle => Https.Length < FeedLinks.MaxSubscriptionUrlLength;
}

/// <summary>Add-to-calendar links for one event (a snapshot that never updates, unlike a feed).</summary>
public sealed record AddToCalendarLinks(string Ics, string Google, string OutlookWork, string OutlookPersonal);

/// <summary>
/// Absolute feed URLs and the subscribe / add-to-calendar links built from them, on the service's public base URI
/// (the host builds it from its settings or the request: Calendar.Api's PublicBase). Google's cid gets the https URL:
/// the evidence conflicts (ICAL-INTEROP Q7), https is what worked most recently, and the add-by-URL page is
/// always offered beside it.
/// </summary>
public static class FeedLinks
{
    public const int MaxSubscriptionUrlLength = 256;
    public const int MaxDetailsLength = 1000;
    public const string GoogleAddByUrl = "https://calendar.google.com/calendar/u/0/r/settings/addbyurl";

    /// <summary>/feeds/events.ics with the filter's canonical query (no limit, no cursor).</summary>
    public static string FeedPath(EventFilter filter) => "/feeds/events.ics" + filter.ToQueryString();

    public static SubscribeLinks ForFilter(Uri baseUri, EventFilter filter) =>
        Subscribe(Absolute(baseUri, FeedPath(filter)), FeedTitle.For(filter));

    public static SubscribeLinks ForNamedFeed(Uri baseUri, string slug, string title) =>
        Subscribe(Absolute(baseUri, $"/feeds/{Uri.EscapeDataString(slug)}.ics"), title);

    public static string EventPage(Uri baseUri, Guid id) => Absolute(baseUri, $"/events/{id}");

    private static SubscribeLinks Subscribe(string https, string name)
    {
        var webcal = "webcal://" + https[(https.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var url = Uri.EscapeDataString(https);
        var encodedName = Uri.EscapeDataString(name);
        return new SubscribeLinks(name, https, webcal,
            $"https://calendar.google.com/calendar/r?cid={url}",
            $"https://outlook.office.com/calendar/0/addfromweb?url={url}&name={encodedName}",
            $"https://outlook.live.com/calendar/0/addfromweb?url={url}&name={encodedName}");
    }

    /// <summary>
    /// Links that copy one event into a calendar. A series is offered from its first occurrence with its rule
    /// (Google's recur=, in the event's zone so a weekly 10:00 stays 10:00 across daylight-saving changes);
    /// a one-off uses UTC instants, or dates with an exclusive end when all-day.
    /// </summary>
    public static AddToCalendarLinks ForEvent(Uri baseUri, Event e)
    {
        var pageUrl = EventPage(baseUri, e.Id);
        var location = Place.ForCalendar(e, countryByName: false);
        var details = Details(e, pageUrl);

        var google = new StringBuilder("https://calendar.google.com/calendar/render?action=TEMPLATE");
        Append(google, "text", e.Title);
        if (e.AllDay)
            Append(google, "dates", $"{Compact(e.StartsOn!.Value)}/{Compact(e.EndsOn!.Value.AddDays(1))}");
        else if (e.Recurrence is not null && e.TimeZone is not null)
        {
            Append(google, "dates", $"{CompactLocal(e.StartsLocal!.Value)}/{CompactLocal(e.EndsLocal!.Value)}");
            Append(google, "ctz", e.TimeZone);
        }
        else
            Append(google, "dates", $"{CompactUtc(e.StartsAt)}/{CompactUtc(e.EndsAt)}");
        if (e.Recurrence is not null) Append(google, "recur", "RRULE:" + e.Recurrence);
        Append(google, "details", details);
        if (location is not null) Append(google, "location", location);
        if (e.Kind is "world-day" or "deadline") Append(google, "crm", "AVAILABLE");

        return new AddToCalendarLinks(Absolute(baseUri, $"/events/{e.Id}.ics"), google.ToString(),
            OutlookCompose("outlook.office.com", e, details, location),
            OutlookCompose("outlook.live.com", e, details, location));
    }

    // Outlook's compose form has no recurrence: a series is added as its first occurrence, which the page says.
    private static string OutlookCompose(string host, Event e, string details, string? location)
    {
        var link = new StringBuilder($"https://{host}/calendar/0/action/compose?rru=addevent");
        Append(link, "subject", e.Title);
        if (e.AllDay)
        {
            Append(link, "startdt", e.StartsOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Append(link, "enddt", e.EndsOn!.Value.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Append(link, "allday", "true");
        }
        else
        {
            Append(link, "startdt", e.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Append(link, "enddt", e.EndsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Append(link, "allday", "false");
        }
        Append(link, "body", details);
        if (location is not null) Append(link, "location", location);
        return link.ToString();
    }

    /// <summary>Join link first (every client shows it), the description cut to about 1,000 characters, the page last.</summary>
    public static string Details(Event e, string pageUrl)
    {
        var text = new StringBuilder();
        if (e.Online && e.JoinUrl is not null) text.Append("Join online: ").Append(e.JoinUrl).Append("\n\n");
        var description = e.Description.Trim();
        if (description.Length > MaxDetailsLength)
        {
            var cut = description.LastIndexOf(' ', MaxDetailsLength - 1);
            description = description[..(cut > MaxDetailsLength / 2 ? cut : MaxDetailsLength - 1)].TrimEnd() + "…";
        }
        if (description.Length > 0) text.Append(description).Append("\n\n");
        text.Append("Details and updates: ").Append(pageUrl);
        return text.ToString();
    }

    private static string Absolute(Uri baseUri, string pathAndQuery) => baseUri.AbsoluteUri.TrimEnd('/') + pathAndQuery;

    private static void Append(StringBuilder link, string name, string value) =>
        link.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));

    private static string Compact(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    private static string CompactUtc(DateTime instant) => instant.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
    private static string CompactLocal(DateTime local) => local.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
}
