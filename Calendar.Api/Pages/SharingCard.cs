using Calendar.Core.Events;
using Calendar.Core.Feeds;

namespace Calendar.Api.Pages;

/// <summary>
/// What a link preview (OpenGraph: LinkedIn, Teams, Signal, WhatsApp, Slack; Twitter/X cards) shows for a page.
/// No image: the service has none to offer, and a "summary" card reads well without one.
/// </summary>
public sealed record SharingCard(string Title, string Description, string Url)
{
    public const string SiteName = FeedTitle.Base;
    private const int MaxDescription = 300;

    /// <summary>An event: its title, then when (in its own zone), where or "Online", and who organises it.</summary>
    public static SharingCard ForEvent(Event e, Occurrence o, string pageUrl)
    {
        var title = e.Status == EventStatus.Cancelled ? $"Cancelled: {e.Title}" : e.Title;
        var place = Place.Short(e);
        var facts = string.Join(" · ", new[] { Display.When(o), place.Length > 0 ? place : null, e.Organizers.Length > 0 ? string.Join(", ", e.Organizers) : null }
            .Where(p => p is not null));
        var text = e.Description.ReplaceLineEndings(" ").Trim();
        return new SharingCard(title, Shorten(text.Length > 0 ? $"{facts}. {text}" : facts), pageUrl);
    }

    /// <summary>The home page (the calendar), a filtered list (its filter), or the past view.</summary>
    public static SharingCard ForList(Uri baseUri, string path, EventFilter filter, string title)
    {
        var url = baseUri.AbsoluteUri.TrimEnd('/') + path + (filter with { After = null }).ToQueryString();
        return new SharingCard(title, Shorten(FeedTitle.Describe(filter)), url);
    }

    private static string Shorten(string text) => text.Length <= MaxDescription ? text : text[..(MaxDescription - 1)].TrimEnd() + "…";
}
