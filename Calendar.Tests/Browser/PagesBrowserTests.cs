using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

/// <summary>The public pages and both embeds in headless Chromium, on the sample data plus a few events of our own.</summary>
[NonParallelizable]
public sealed class PagesBrowserTests : BrowserFixture
{
    private const string HostileTitle = "<img src=x onerror=alert(1)> Hostile title";
    private string _webinarId = null!, _hostileId = null!, _webinarStartInNewYork = null!;

    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" };

    [OneTimeSetUp]
    public async Task AddEvents()
    {
        using var moderator = ModeratorApi();
        var soon = DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd");
        _webinarId = await CreateAsync(moderator, EventBuilder.Timed("Webinar: identifying forced labour in supply chains",
                $"{soon}T14:00", $"{soon}T15:30")
            .With("description", "How NGO staff can recognise signs of forced labour.\nWith practitioners from three countries.")
            .With("registrationUrl", "https://register.example.org/forced-labour")
            .With("tags", new[] { "labour-exploitation", "supply-chains" }));
        var brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var startUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse($"{soon}T14:00"), brussels);
        _webinarStartInNewYork = TimeZoneInfo.ConvertTimeFromUtc(startUtc, newYork).ToString("HH:mm");
        _hostileId = await CreateAsync(moderator, EventBuilder.Timed(HostileTitle, $"{soon}T16:00", $"{soon}T17:00")
            .With("description", "</script><script>alert(2)</script>")
            .With("tags", new[] { "labour-exploitation" }));
    }

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>A page that fails the test if any dialog (alert from injected markup) opens.</summary>
    private async Task<(IPage Page, List<string> Dialogs)> NewPageAsync(bool bypassCsp = false)
    {
        var page = await OpenPageAsync(new BrowserNewContextOptions
        {
            BypassCSP = bypassCsp, Locale = "en-GB", TimezoneId = "America/New_York", ViewportSize = new() { Width = 1200, Height = 900 },
        });
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) => { dialogs.Add(dialog.Message); await dialog.DismissAsync(); };
        return (page, dialogs);
    }

    [Test]
    public async Task Home_page_filters_go_into_the_URL_and_the_subscribe_links_carry_them()
    {
        var (page, _) = await NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.GetByLabel("Webinars").CheckAsync();
        await page.GetByLabel("Online or in person").SelectOptionAsync("true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("kind=webinar"));

        Assert.That(new Uri(page.Url).Query, Is.EqualTo("?kind=webinar&online=true"), "empty fields stay out of the URL");
        var feed = Url("/feeds/events.ics?kind=webinar&online=true");
        var encoded = Uri.EscapeDataString(feed);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(feed));
            Assert.That(await page.GetAttributeAsync("a[data-link=webcal]", "href"), Is.EqualTo("webcal://" + feed["http://".Length..]));
            Assert.That(await page.GetAttributeAsync("a[data-link=google]", "href"), Is.EqualTo("https://calendar.google.com/calendar/r?cid=" + encoded));
            Assert.That(await page.GetAttributeAsync("a[data-link=outlook-work]", "href"),
                Does.StartWith("https://outlook.office.com/calendar/0/addfromweb?url=" + encoded + "&name="));
            Assert.That(await page.GetAttributeAsync("a[data-link=outlook-personal]", "href"),
                Does.StartWith("https://outlook.live.com/calendar/0/addfromweb?url=" + encoded + "&name="));
            Assert.That(await page.InputValueAsync("#embed-iframe"), Does.Contain("/embed?kind=webinar&amp;online=true&amp;limit=5"));
            Assert.That(await page.InputValueAsync("#embed-script"), Does.Contain("data-kind=\"webinar\" data-online=\"true\""));
            Assert.That(await page.GetByText("Webinar: identifying forced labour in supply chains").CountAsync(), Is.EqualTo(1));
            Assert.That(await page.IsCheckedAsync("input[name=kind][value=webinar]"), Is.True);
        });

        await page.GoBackAsync();
        Assert.That(new Uri(page.Url).Query, Is.Empty, "the back button returns to the unfiltered list");
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/events.ics")));

        // A tag link on an event page leads to the filtered list.
        await page.GotoAsync(Url($"/events/{_webinarId}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "supply-chains" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("tag=supply-chains"));
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/events.ics?tag=supply-chains")));
        await Support.Browser.ScreenshotAsync(page, "home-filtered-by-tag");
    }

    [Test]
    public async Task Without_JavaScript_the_filters_work_and_the_feed_address_is_selectable_text()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.GetByLabel("Webinars").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("kind=webinar"));
        Assert.That(await page.GetByText("Webinar: identifying forced labour in supply chains").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.InputValueAsync("#feed-url"), Is.EqualTo(Url("/feeds/webinars.ics")), "the named feed for this filter");
        Assert.That(await page.Locator("button[data-copy]").First.IsVisibleAsync(), Is.False, "copy buttons need the script");
        await page.GotoAsync(Url($"/events/{_webinarId}"));
        Assert.That(await page.Locator("time").First.TextContentAsync(), Does.EndWith("CET").Or.EndWith("CEST"));
        await context.DisposeAsync();
    }

    [Test]
    public async Task The_event_page_JSON_LD_parses_and_matches_the_event()
    {
        var (page, _) = await NewPageAsync();
        await page.GotoAsync(Url($"/events/{_webinarId}"));
        var text = await page.Locator("script[type='application/ld+json']").TextContentAsync();
        var jsonLd = JsonDocument.Parse(text!).RootElement;
        var api = await (await new HttpClient().GetAsync(Url($"/api/events/{_webinarId}"))).JsonAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(jsonLd.GetProperty("@context").GetString(), Is.EqualTo("https://schema.org"));
            Assert.That(jsonLd.GetProperty("name").GetString(), Is.EqualTo(api.GetProperty("title").GetString()));
            Assert.That(DateTimeOffset.Parse(jsonLd.GetProperty("startDate").GetString()!).UtcDateTime,
                Is.EqualTo(api.GetProperty("startsAtUtc").GetDateTime().ToUniversalTime()));
            Assert.That(jsonLd.GetProperty("url").GetString(), Is.EqualTo(Url($"/events/{_webinarId}")));
            Assert.That(jsonLd.GetProperty("organizer")[0].GetProperty("name").GetString(), Is.EqualTo("La Strada International"));
            Assert.That(jsonLd.GetProperty("location").GetProperty("url").GetString(), Is.EqualTo("https://meet.example.org/abc"));
            Assert.That(await page.GetAttributeAsync("a[data-link=ics]", "href"), Is.EqualTo(Url($"/events/{_webinarId}.ics")));
            Assert.That(await page.GetAttributeAsync("a[data-link=google]", "href"), Does.StartWith("https://calendar.google.com/calendar/render?action=TEMPLATE"));
            // The reader (New York) sees the Brussels webinar in their own time too.
            Assert.That(await page.Locator(".reader-time").TextContentAsync(), Does.StartWith("Your time:").And.Contain(_webinarStartInNewYork));
        });
        await Support.Browser.ScreenshotAsync(page, "event-page");
    }

    [Test]
    public async Task A_site_on_another_origin_shows_the_events_through_both_snippets_from_the_home_page()
    {
        var (page, dialogs) = await NewPageAsync();
        await page.GotoAsync(Url("/?tag=labour-exploitation"));
        var iframe = await page.InputValueAsync("#embed-iframe");
        var script = await page.InputValueAsync("#embed-script");

        var hostHtml = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Partner NGO</title>
            <style>body{font-family:Georgia,serif;max-width:50rem;margin:2rem auto;color:#222} .theirs{--calendar-accent:#7a1f5c}</style>
            </head><body>
            <h1>Partner NGO: our work against labour exploitation</h1>
            <h2>Events (frame)</h2>
            {{iframe}}
            <h2>Events (script)</h2>
            <div class="theirs">
            {{script}}
            </div>
            </body></html>
            """;
        await using var host = await StaticHost.StartAsync(hostHtml);
        Assert.That(new Uri(host.Address).Port, Is.Not.EqualTo(_base.Port));

        await page.GotoAsync(host.Address);
        var framed = page.FrameLocator("iframe").Locator(".embed-item");
        await framed.First.WaitForAsync(new() { Timeout = 15_000 });
        var widget = page.Locator("calendar-events li");
        await widget.First.WaitForAsync(new() { Timeout = 15_000 });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await framed.CountAsync(), Is.GreaterThanOrEqualTo(2));
            Assert.That(await widget.CountAsync(), Is.EqualTo(await framed.CountAsync()), "both snippets show the same events");
            Assert.That(await page.Locator("calendar-events").GetByText("Webinar: identifying forced labour in supply chains").CountAsync(), Is.EqualTo(1));
            Assert.That(await page.Locator("calendar-events").GetByText(HostileTitle).CountAsync(), Is.EqualTo(1), "the hostile title as text");
            Assert.That(await page.FrameLocator("iframe").GetByText(HostileTitle).CountAsync(), Is.EqualTo(1));
            Assert.That(await page.Locator("calendar-events a").First.GetAttributeAsync("href"), Does.StartWith(_base.ToString().TrimEnd('/') + "/events/"));
            Assert.That(await page.Locator("calendar-events time").First.GetAttributeAsync("datetime"), Does.EndWith("Z"));
            Assert.That(await page.Locator("calendar-events li a").First.EvaluateAsync<string>("a => getComputedStyle(a).color"),
                Is.EqualTo("rgb(122, 31, 92)"), "the host's --calendar-accent colours the links");
            Assert.That(await page.Locator("img").CountAsync(), Is.Zero);
            Assert.That(await page.Context.CookiesAsync(), Is.Empty);
        });
        await Support.Browser.ScreenshotAsync(page, "partner-page-with-both-widgets");
        Assert.That(dialogs, Is.Empty);

        // The widget inside the partner's page (open Shadow DOM, which axe-core audits) passes the same audit.
        Assert.That(await Support.Axe.SeriousViolationsAsync(page), Is.Empty);
    }

    [Test]
    public async Task The_widget_shows_world_days_as_dates_and_says_so_when_nothing_matches()
    {
        var (page, host) = await OpenWidgetHostAsync("""
            <calendar-events id="days" kind="world-day" limit="3" locale="fr"></calendar-events>
            <calendar-events id="none" tag="no-such-tag"></calendar-events>
            <calendar-events id="bad" kind="party"></calendar-events>
            """);
        await using var _ = host;
        await page.Locator("#none .state").GetByText("No upcoming events").WaitForAsync(new() { Timeout = 15_000 });
        await page.Locator("#bad .state").GetByText("could not be loaded").WaitForAsync(new() { Timeout = 15_000 });
        var first = await page.Locator("#days time").First.GetAttributeAsync("datetime");
        Assert.That(first, Does.Match(@"^\d{4}-\d{2}-\d{2}$"), "a world day is a date, not an instant");
        Assert.That(await page.Locator("#days li").CountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task The_widget_shows_each_world_day_on_its_coming_date_not_the_year_the_series_began()
    {
        var (page, host) = await OpenWidgetHostAsync("""
            <calendar-events id="days" kind="world-day" limit="5" locale="en"></calendar-events>
            """);
        await using var _ = host;
        var dates = await page.Locator("#days time").EvaluateAllAsync<string[]>("ts => ts.map(t => t.getAttribute('datetime'))");
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        Assert.That(dates, Has.Length.EqualTo(5));
        Assert.That(dates, Is.All.GreaterThanOrEqualTo(yesterday), "upcoming world days show this or next year's date");
        Assert.That(dates, Is.Ordered);
    }

    [Test]
    public async Task A_hostile_title_renders_as_text_on_every_page_and_runs_nothing()
    {
        var (page, dialogs) = await NewPageAsync();
        foreach (var path in new[] { "/", "/?tag=labour-exploitation", $"/events/{_hostileId}", "/embed?tag=labour-exploitation" })
        {
            await page.GotoAsync(Url(path));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.That(await page.GetByText(HostileTitle).First.IsVisibleAsync(), Is.True, path);
            Assert.That(await page.Locator("main img").CountAsync(), Is.Zero, path);
            if (path.StartsWith("/events/")) Assert.That(await page.TitleAsync(), Does.StartWith(HostileTitle), "the document title is text too");
        }
        Assert.That(dialogs, Is.Empty);
    }

    [TestCase("/")]
    [TestCase("/?kind=webinar&tag=labour-exploitation")]
    [TestCase("/events/{webinar}")]
    [TestCase("/embed?limit=5")]
    [TestCase("/embed?limit=5&theme=dark")]
    public async Task The_page_has_no_serious_accessibility_violations(string path)
    {
        var (page, _) = await NewPageAsync(bypassCsp: true);
        await page.GotoAsync(Url(path.Replace("{webinar}", _webinarId)));
        Assert.That(await Support.Axe.SeriousViolationsAsync(page), Is.Empty);
        if (path == "/")
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.ScreenshotAsync(new() { Path = Support.Browser.ScreenshotPath("home-phone") });
            TestContext.Out.WriteLine($"Screenshot: {Support.Browser.ScreenshotPath("home-phone")}");
            await page.SetViewportSizeAsync(1200, 900);
            await Support.Browser.ScreenshotAsync(page, "home");
        }
        if (path.Contains("theme=dark")) await Support.Browser.ScreenshotAsync(page, "embed-dark");
    }


    /// <summary>A partner's page on another origin that loads /embed.js and holds these calendar-events elements, one of
    /// them with id "days"; returns the page once that list shows. The caller disposes the host.</summary>
    private async Task<(IPage Page, StaticHost Host)> OpenWidgetHostAsync(string elements)
    {
        var (page, _) = await NewPageAsync();
        var host = await StaticHost.StartAsync($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
            <script src="{Url("/embed.js")}"></script>
            {elements}
            </body></html>
            """);
        try
        {
            await page.GotoAsync(host.Address);
            await page.Locator("#days li").First.WaitForAsync(new() { Timeout = 15_000 });
            return (page, host);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A partner's site: one static HTML page on its own loopback port (a different origin).</summary>
    private sealed class StaticHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private StaticHost(WebApplication app, string address) { _app = app; Address = address; }
        public string Address { get; }

        public static async Task<StaticHost> StartAsync(string html)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
            await app.StartAsync();
            return new StaticHost(app, app.Urls.First() + "/");
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
