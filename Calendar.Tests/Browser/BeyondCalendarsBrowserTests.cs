using System.Net;
using Calendar.Tests.Support;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

/// <summary>Past events, language, sharing cards, news feeds and the newsletter in headless Chromium, on the sample data.</summary>
[NonParallelizable]
public sealed class BeyondCalendarsBrowserTests : BrowserFixture
{
    private const string FrenchTitle = "Webinaire : la traite des êtres humains en Belgique";
    private const string BerlinConference = "OSCE conference on preventing trafficking for labour exploitation in supply chains";
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" };

    [OneTimeSetUp]
    public async Task AddFrenchEvent()
    {
        using var moderator = ModeratorApi();
        var soon = DateTime.UtcNow.AddDays(12).ToString("yyyy-MM-dd");
        var created = await moderator.PostJsonAsync("/api/events", EventBuilder.Timed(FrenchTitle, $"{soon}T10:00", $"{soon}T11:00").With("language", "fr-BE"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    private async Task<IPage> NewPageAsync(bool javaScript = true, bool bypassCsp = false)
    {
        var page = await OpenPageAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript, BypassCSP = bypassCsp, Locale = "en-GB", TimezoneId = "Europe/Brussels", ViewportSize = new() { Width = 1200, Height = 900 },
        });
        page.Dialog += async (_, dialog) => { Assert.Fail($"A dialog opened: {dialog.Message}"); await dialog.DismissAsync(); };
        return page;
    }

    [Test]
    public async Task A_newcomer_finds_the_2016_OSCE_conference_from_the_home_page_in_two_clicks()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Past events", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/past"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Past events by year" })
            .GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^2016\\b") }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("from=2016-01-01"));

        var conference = page.GetByRole(AriaRole.Link, new() { Name = BerlinConference });
        Assert.That(await conference.IsVisibleAsync(), Is.True);
        Assert.That(await page.TitleAsync(), Does.StartWith("Past events in 2016"));
        // The same panels as the upcoming list, for that year.
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/events.ics?from=2016-01-01&to=2016-12-31")));
        Assert.That(await page.InputValueAsync("#embed-iframe"), Does.Contain("/embed?from=2016-01-01&amp;to=2016-12-31&amp;limit=5"));
        await Support.Browser.ScreenshotAsync(page, "past-2016");

        await conference.ClickAsync();
        Assert.That(await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync(), Is.EqualTo(BerlinConference));
    }

    [Test]
    public async Task Past_events_go_back_by_month_with_the_same_filter_form()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/past?from=2016-01-01&to=2016-12-31"));
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^September 2016") }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("from=2016-09-01"));
        Assert.That(new Uri(page.Url).Query, Is.EqualTo("?from=2016-09-01&to=2016-09-30"));
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.EqualTo(1));
        Assert.That(await page.GetByText("OSCE Human Dimension Implementation Meeting 2016").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.GetByText("Second Alliance Expert Co-ordination Team").CountAsync(), Is.Zero, "December is another month");

        // The filter form keeps the month and narrows it.
        await page.GetByLabel("Conferences").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("kind=conference"));
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/past"));
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.EqualTo(1));
        Assert.That(await page.GetByText("OSCE Human Dimension Implementation Meeting 2016").CountAsync(), Is.Zero);
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/events.ics?from=2016-09-01&to=2016-09-30&kind=conference")));
    }

    [Test]
    public async Task A_search_from_the_home_page_covers_the_past_when_asked()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.GetByLabel("Search").FillAsync("procurement");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("q=procurement"));
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.Zero, "the upcoming list has no past event");

        await page.GetByRole(AriaRole.Link, new() { Name = "Search past events for “procurement”" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/past"));
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Link_previews_read_the_event_and_the_filtered_list_from_the_page()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/past?from=2016-09-01&to=2016-09-30"));
        await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/events/"));
        async Task<string?> Meta(string selector) => await page.Locator($"head meta[{selector}]").GetAttributeAsync("content");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Meta("property='og:title'"), Is.EqualTo(BerlinConference));
            Assert.That(await Meta("property='og:description'"), Does.StartWith("Wed 7 Sept – Thu 8 Sept 2016 · Berlin, Germany · OSCE Office")
                .Or.StartWith("Wed 7 Sep – Thu 8 Sep 2016 · Berlin, Germany · OSCE Office"));
            Assert.That(await Meta("property='og:site_name'"), Is.EqualTo("Anti-trafficking events"));
            Assert.That(await Meta("property='og:url'"), Is.EqualTo(page.Url));
            Assert.That(await Meta("name='twitter:card'"), Is.EqualTo("summary"));
        });

        await page.GotoAsync(Url("/?kind=conference"));
        Assert.That(await Meta("property='og:title'"), Is.EqualTo("Anti-trafficking events — conferences"));
        Assert.That(await Meta("property='og:url'"), Is.EqualTo(Url("/?kind=conference")));
    }

    [Test]
    public async Task The_subscribe_panel_offers_RSS_and_Atom_for_the_filter_and_a_reader_can_follow_them()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/?kind=world-day&language=en"));
        var rss = await page.GetAttributeAsync("a[data-link=rss]", "href");
        var atom = await page.GetAttributeAsync("a[data-link=atom]", "href");
        Assert.That(rss, Is.EqualTo(Url("/feeds/events.rss?kind=world-day&language=en")));
        Assert.That(atom, Is.EqualTo(Url("/feeds/events.atom?kind=world-day&language=en")));
        Assert.That(await page.GetAttributeAsync("link[rel=alternate][type='application/rss+xml']", "href"), Is.EqualTo(rss));

        using var client = new HttpClient();
        foreach (var url in new[] { rss!, atom!.Replace("&language=en", "") })
        {
            var response = await client.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(response.Content.Headers.ContentType!.MediaType, Does.EndWith("+xml"));
        }
    }

    [Test]
    public async Task A_coordinator_composes_a_newsletter_from_the_home_page_and_it_keeps_its_layout()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/past?from=2016-01-01&to=2016-12-31&tag=labour-exploitation"));
        await page.GetByLabel("From", new() { Exact = true }).FillAsync("2016-09-01");
        await page.GetByLabel("To (inclusive)").FillAsync("2016-11-30");
        await page.GetByLabel("Group by").SelectOptionAsync("kind");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compose a newsletter for these events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/newsletter"));
        Assert.That(new Uri(page.Url).Query, Is.EqualTo("?tag=labour-exploitation&from=2016-09-01&to=2016-11-30&group=kind&format=html"));
        await Support.Browser.ScreenshotAsync(page, "newsletter");

        var layout = await page.EvaluateAsync<System.Text.Json.JsonElement>(@"
            () => {
                const box = e => e.getBoundingClientRect();
                const letter = box(document.querySelector('table.newsletter'));
                const events = [...document.querySelectorAll('td.event')].map(box);
                return {
                    width: letter.width, left: letter.left, right: window.innerWidth - letter.right,
                    events: events.length,
                    eventsInside: events.every(b => b.left >= letter.left - 0.5 && b.right <= letter.right + 0.5),
                    stacked: events.every((b, i) => i === 0 || b.top >= events[i - 1].bottom - 0.5),
                    overflow: document.documentElement.scrollWidth > window.innerWidth,
                    groups: [...document.querySelectorAll('h2.group')].map(h => h.textContent),
                    scripts: document.scripts.length, images: document.images.length,
                    sheets: document.styleSheets.length,
                };
            }");
        Assert.Multiple(() =>
        {
            Assert.That(layout.GetProperty("width").GetDouble(), Is.EqualTo(600).Within(1), "the 600-pixel column of e-mail layouts");
            Assert.That(layout.GetProperty("left").GetDouble(), Is.EqualTo(layout.GetProperty("right").GetDouble()).Within(2), "centred");
            Assert.That(layout.GetProperty("events").GetInt32(), Is.GreaterThanOrEqualTo(2));
            Assert.That(layout.GetProperty("eventsInside").GetBoolean(), Is.True);
            Assert.That(layout.GetProperty("stacked").GetBoolean(), Is.True, "events follow one another without overlapping");
            Assert.That(layout.GetProperty("overflow").GetBoolean(), Is.False);
            Assert.That(layout.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), Does.Contain("Conferences"));
            Assert.That(layout.GetProperty("scripts").GetInt32(), Is.Zero);
            Assert.That(layout.GetProperty("images").GetInt32(), Is.Zero);
            Assert.That(layout.GetProperty("sheets").GetInt32(), Is.Zero, "no style sheet: every style is inline");
        });
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.EqualTo(1));

        // On a phone the column shrinks instead of overflowing.
        await page.SetViewportSizeAsync(360, 740);
        Assert.That(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), Is.True);
        await Support.Browser.ScreenshotAsync(page, "newsletter-phone");
    }

    [Test]
    public async Task The_embed_snippet_of_a_past_month_lists_that_month()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/past?from=2016-09-01&to=2016-09-30"));
        var snippet = await page.InputValueAsync("#embed-iframe");
        var src = System.Text.RegularExpressions.Regex.Match(snippet, "src=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
        Assert.That(snippet, Does.Contain("title=\"Events: Anti-trafficking events\""));
        await page.GotoAsync(src);
        Assert.That(await page.TitleAsync(), Is.EqualTo("Anti-trafficking events"));
        Assert.That(await page.GetByRole(AriaRole.Link, new() { Name = BerlinConference }).CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator(".embed-item").CountAsync(), Is.EqualTo(5), "the snippet's limit");
    }

    [Test]
    public async Task The_language_control_filters_the_list_and_its_panels()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.GetByRole(AriaRole.Group, new() { Name = "Language" }).GetByLabel("French").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("language=fr"));
        Assert.That(new Uri(page.Url).Query, Is.EqualTo("?language=fr"));
        Assert.That(await page.Locator(".event-item").AllInnerTextsAsync(), Has.Count.EqualTo(1).And.One.Contains(FrenchTitle));
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/events.ics?language=fr")));
        Assert.That(await page.InputValueAsync("#embed-script"), Does.Contain("data-language=\"fr\""));
        Assert.That(await page.TitleAsync(), Does.StartWith("Anti-trafficking events — in French"));
    }

    [TestCase("/past")]
    [TestCase("/past?from=2016-09-01&to=2016-09-30&kind=conference")]
    [TestCase("/newsletter?from=2016-09-01&to=2016-12-31")]
    [TestCase("/newsletter?from=2016-09-01&to=2016-12-31&group=kind&kind=conference")]
    [TestCase("/?language=fr")]
    public async Task Axe_finds_no_serious_problem_on_the_new_pages(string path)
    {
        var page = await NewPageAsync(bypassCsp: true); // to inject axe
        var response = await page.GotoAsync(Url(path));
        Assert.That(response!.Status, Is.EqualTo((int)HttpStatusCode.OK));
        Assert.That(await Axe.SeriousViolationsAsync(page), Is.Empty);
    }
}
