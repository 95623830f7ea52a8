using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Calendar.Tests.Support;

namespace Calendar.Tests.Beyond;

/// <summary>OpenGraph and Twitter card tags as a link preview reads them: the served HTML parsed by an HTML5 parser.</summary>
public sealed class SharingCardTests : AppFixture
{
    private const string HostileTitle = "\"><script>alert(1)</script> Tom & Jerry's <b>meeting</b>";
    private const string HostileDescription = "</title><meta property=\"og:title\" content=\"spoofed\"> Details follow.";
    private string _eventId = null!;

    protected override async Task SeedAsync()
    {
        var response = await App.Moderator().PostJsonAsync("/api/events", EventBuilder.AllDay(HostileTitle, "2034-03-14", "2034-03-15", kind: "conference")
            .With("description", HostileDescription)
            .With("organizers", new[] { "OSCE <Office>", "La Strada International" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        _eventId = (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task<IDocument> ParseAsync(string path)
    {
        var response = await App.Anonymous().GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
    }

    private static string Meta(IDocument document, string key)
    {
        var tags = document.Head!.QuerySelectorAll($"meta[property='{key}'], meta[name='{key}']");
        Assert.That(tags, Has.Length.EqualTo(1), $"exactly one {key}");
        return tags[0].GetAttribute("content")!;
    }

    [Test]
    public async Task An_event_page_card_carries_the_exact_title_date_place_and_the_service_name()
    {
        var document = await ParseAsync($"/events/{_eventId}");
        Assert.Multiple(() =>
        {
            Assert.That(Meta(document, "og:title"), Is.EqualTo(HostileTitle));
            Assert.That(Meta(document, "twitter:title"), Is.EqualTo(HostileTitle));
            Assert.That(Meta(document, "og:site_name"), Is.EqualTo("Anti-trafficking events"));
            Assert.That(Meta(document, "og:type"), Is.EqualTo("website"));
            Assert.That(Meta(document, "twitter:card"), Is.EqualTo("summary"));
            Assert.That(Meta(document, "og:url"), Does.EndWith($"/events/{_eventId}"));
            Assert.That(Meta(document, "og:description"),
                Does.StartWith("Tue 14 Mar – Wed 15 Mar 2034 · Vienna, Austria · OSCE <Office>, La Strada International. </title><meta"));
            Assert.That(Meta(document, "twitter:description"), Is.EqualTo(Meta(document, "og:description")));
        });
    }

    [Test]
    public async Task Hostile_text_stays_inside_its_attribute()
    {
        var document = await ParseAsync($"/events/{_eventId}");
        Assert.Multiple(() =>
        {
            Assert.That(document.QuerySelectorAll("script").Where(s => s.GetAttribute("type") != "application/ld+json" && s.GetAttribute("src") is null),
                Is.Empty, "no inline script came from the title");
            Assert.That(document.QuerySelectorAll("b"), Is.Empty, "no markup came from the title");
            Assert.That(document.QuerySelectorAll("meta").Select(m => m.GetAttribute("content")), Has.None.EqualTo("spoofed"));
            Assert.That(document.Title, Is.EqualTo(HostileTitle + " · Anti-trafficking events"));
        });
    }

    [Test]
    public async Task The_home_page_card_is_the_calendar_and_a_filtered_page_card_is_its_filter()
    {
        var home = await ParseAsync("/");
        var filtered = await ParseAsync("/?kind=webinar&tag=migration&utm_source=mail");
        Assert.Multiple(() =>
        {
            Assert.That(Meta(home, "og:title"), Is.EqualTo("Anti-trafficking events"));
            Assert.That(Meta(home, "og:description"), Does.StartWith("Webinars, conferences, meetings"));
            Assert.That(new Uri(Meta(home, "og:url")).PathAndQuery, Is.EqualTo("/"));
            Assert.That(Meta(filtered, "og:title"), Is.EqualTo("Anti-trafficking events — webinars, migration"));
            Assert.That(Meta(filtered, "og:description"), Does.Contain("filtered: webinars, migration"));
            Assert.That(new Uri(Meta(filtered, "og:url")).PathAndQuery, Is.EqualTo("/?kind=webinar&tag=migration"), "the card links to the filter, not the tracking tags");
        });
    }
}
