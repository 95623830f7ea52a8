using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

public sealed partial class PagesTests
{
    private const string HostileTitle = "<img src=x onerror=alert(1)></script><script>alert(2)</script>";
    private CalendarApp _app = null!;
    private string _hostileId = null!, _webinarId = null!, _worldDayId = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = await CalendarApp.StartAsync();
        var moderator = _app.Moderator();
        _hostileId = await CreateAsync(moderator, EventBuilder.Timed(HostileTitle)
            .With("description", "Ends the script early? </script><!-- & \"quotes\" 'single'")
            .With("organizers", new[] { "Org \"A\" & <B>" })
            .With("tags", new[] { "child-trafficking" }));
        _webinarId = await CreateAsync(moderator, EventBuilder.Timed("Webinar on forced labour")
            .With("location", new Dictionary<string, object?> { ["venue"] = "Residence Palace", ["city"] = "Brussels", ["country"] = "BE" })
            .With("registrationUrl", "https://register.example.org/forced-labour"));
        _worldDayId = await CreateAsync(moderator, EventBuilder.WorldDay("World Day against Trafficking in Persons", 7, 30));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task<(HttpResponseMessage Response, string Html)> GetAsync(string url)
    {
        var response = await _app.Anonymous().GetAsync(url);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_home_page_lists_upcoming_events_with_a_strict_CSP()
    {
        // The test events lie in 2030, beyond the home page's one-year view from today.
        var (response, html) = await GetAsync("/?from=2030-05-01");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors 'none'"));
            Assert.That(html, Does.Contain("Webinar on forced labour"));
            Assert.That(html, Does.Contain($"href=\"/events/{_webinarId}\""));
            Assert.That(html, Does.Contain("World Day against Trafficking in Persons"));
            Assert.That(html, Does.Not.Contain("<script>"), "no inline script");
        });
    }

    [Test]
    public async Task A_hostile_title_is_escaped_on_every_page()
    {
        foreach (var url in new[] { "/?from=2030-05-01", $"/events/{_hostileId}", "/embed?tag=child-trafficking" })
        {
            var (response, html) = await GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(html, Does.Not.Contain("<img src=x"), url);
            Assert.That(html, Does.Not.Contain("<script>alert"), url);
            Assert.That(html, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"), url);
        }
    }

    [Test]
    public async Task The_event_page_JSON_LD_cannot_be_closed_by_event_text_and_parses_back_to_the_event()
    {
        var (_, html) = await GetAsync($"/events/{_hostileId}");
        var scripts = JsonLd().Matches(html);
        Assert.That(scripts, Has.Count.EqualTo(1));
        var json = scripts[0].Groups[1].Value;
        Assert.That(json, Does.Not.Contain("<").And.Not.Contain(">").And.Not.Contain("&"));
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("@type").GetString(), Is.EqualTo("Event"));
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo(HostileTitle));
            Assert.That(root.GetProperty("description").GetString(), Does.Contain("</script><!--"));
            Assert.That(root.GetProperty("organizer")[0].GetProperty("name").GetString(), Is.EqualTo("Org \"A\" & <B>"));
            Assert.That(root.GetProperty("startDate").GetString(), Is.EqualTo("2030-05-06T14:00:00+02:00"));
            Assert.That(root.GetProperty("eventAttendanceMode").GetString(), Is.EqualTo("https://schema.org/OnlineEventAttendanceMode"));
            Assert.That(root.GetProperty("location").GetProperty("@type").GetString(), Is.EqualTo("VirtualLocation"));
        });
    }

    [Test]
    public async Task An_event_in_a_place_and_online_has_both_locations_and_its_links()
    {
        var (response, html) = await GetAsync($"/events/{_webinarId}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var root = JsonDocument.Parse(JsonLd().Match(html).Groups[1].Value).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("eventAttendanceMode").GetString(), Is.EqualTo("https://schema.org/MixedEventAttendanceMode"));
            Assert.That(root.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("@type").GetString()),
                Is.EqualTo(new[] { "Place", "VirtualLocation" }));
            Assert.That(root.GetProperty("eventStatus").GetString(), Is.EqualTo("https://schema.org/EventScheduled"));
            Assert.That(html, Does.Contain("href=\"https://register.example.org/forced-labour\""));
            Assert.That(html, Does.Contain("href=\"https://meet.example.org/abc\""));
            Assert.That(html, Does.Contain($"/events/{_webinarId}.ics\""));
            Assert.That(html, Does.Contain("https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Webinar%20on%20forced%20labour"));
            Assert.That(html, Does.Contain("https://outlook.office.com/calendar/0/action/compose?rru=addevent"));
            Assert.That(html, Does.Contain("https://outlook.live.com/calendar/0/action/compose?rru=addevent"));
            Assert.That(html, Does.Contain("never updates"));
            Assert.That(html, Does.Contain("href=\"/?tag=labour-exploitation\""));
            Assert.That(html, Does.Contain("<time datetime=\"2030-05-06T12:00:00Z\""));
        });
    }

    [Test]
    public async Task A_world_day_page_shows_its_next_date_and_repetition()
    {
        var (response, html) = await GetAsync($"/events/{_worldDayId}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var root = JsonDocument.Parse(JsonLd().Match(html).Groups[1].Value).RootElement;
        var next = DateOnly.Parse(root.GetProperty("startDate").GetString()!);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Multiple(() =>
        {
            Assert.That((next.Month, next.Day), Is.EqualTo((7, 30)));
            Assert.That(next, Is.GreaterThanOrEqualTo(today).And.LessThan(today.AddYears(1).AddDays(1)));
            Assert.That(html, Does.Contain($"<time datetime=\"{next:yyyy-MM-dd}\""));
            Assert.That(html, Does.Contain("Every year, since Sat 30 Jul 2016"));
            Assert.That(html, Does.Contain("recur=RRULE%3AFREQ%3DYEARLY%3BBYMONTH%3D7%3BBYMONTHDAY%3D30"));
        });
    }

    [Test]
    public async Task A_cancelled_event_shows_a_banner_and_JSON_LD_says_cancelled()
    {
        var id = await CreateAsync(_app.Moderator(), EventBuilder.AllDay("Meeting called off", "2030-09-01"));
        var cancel = await _app.Moderator().PostAsync($"/api/events/{id}/cancel", null);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (_, html) = await GetAsync($"/events/{id}");
        var root = JsonDocument.Parse(JsonLd().Match(html).Groups[1].Value).RootElement;
        Assert.That(html, Does.Contain("This event has been cancelled."));
        Assert.That(root.GetProperty("eventStatus").GetString(), Is.EqualTo("https://schema.org/EventCancelled"));
        Assert.That(root.GetProperty("startDate").GetString(), Is.EqualTo("2030-09-01"));
        Assert.That(root.GetProperty("location").GetProperty("@type").GetString(), Is.EqualTo("Place"));
    }

    [Test]
    public async Task Unknown_and_unpublished_events_are_a_404_page()
    {
        var (unknown, html) = await GetAsync($"/events/{Guid.NewGuid()}");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("could not find this event"));

        var pending = await _app.WithToken("not-a-token").GetAsync("/");
        Assert.That(pending.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a bad token does not break a public page");

        await using var connection = await _app.OpenDatabaseAsync();
        var id = await CreateAsync(_app.Moderator(), EventBuilder.Timed("Waiting for review"));
        await using (var command = new Npgsql.NpgsqlCommand($"update events set moderation = 'pending' where id = '{id}'", connection))
            await command.ExecuteNonQueryAsync();
        var (hidden, hiddenHtml) = await GetAsync($"/events/{id}");
        Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(hiddenHtml, Does.Not.Contain("Waiting for review"));
    }

    [Test]
    public async Task The_home_page_applies_the_filter_and_offers_subscriptions_to_exactly_that_filter()
    {
        var (response, html) = await GetAsync("/?kind=world-day&tag=human-rights&utm_campaign=x");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        const string feed = "http://localhost/feeds/events.ics?kind=world-day&tag=human-rights";
        var encoded = Uri.EscapeDataString(feed);
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("World Day against Trafficking in Persons"));
            Assert.That(html, Does.Not.Contain("Webinar on forced labour"));
            Assert.That(html, Does.Contain($"value=\"{feed.Replace("&", "&amp;")}\""));
            Assert.That(html, Does.Contain($"href=\"webcal://localhost/feeds/events.ics?kind=world-day&amp;tag=human-rights\""));
            Assert.That(html, Does.Contain($"href=\"https://calendar.google.com/calendar/r?cid={encoded}\""));
            Assert.That(html, Does.Contain($"https://outlook.office.com/calendar/0/addfromweb?url={encoded}&amp;name="));
            Assert.That(html, Does.Contain($"https://outlook.live.com/calendar/0/addfromweb?url={encoded}&amp;name="));
            Assert.That(html, Does.Contain("https://calendar.google.com/calendar/u/0/r/settings/addbyurl"));
            Assert.That(html, Does.Contain("&lt;iframe src=&quot;http://localhost/embed?kind=world-day&amp;amp;tag=human-rights&amp;amp;limit=5&quot;"));
            Assert.That(html, Does.Contain("data-kind=&quot;world-day&quot; data-tag=&quot;human-rights&quot;"));
            Assert.That(html, Does.Match(@"name=""kind"" value=""world-day"" checked"));
        });
    }

    [Test]
    public async Task A_filter_that_a_named_feed_saves_is_offered_as_that_feed()
    {
        var (_, html) = await GetAsync("/?kind=world-day");
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("value=\"http://localhost/feeds/world-days.ics\""));
            Assert.That(html, Does.Contain("href=\"webcal://localhost/feeds/world-days.ics\""));
            Assert.That(html, Does.Contain("addfromweb?url=http%3A%2F%2Flocalhost%2Ffeeds%2Fworld-days.ics&amp;name=Anti-trafficking%20events%20%E2%80%94%20world%20days"));
            Assert.That(html, Does.Contain("href=\"/?kind=webinar#subscribe\""), "the ready-made calendars are listed");
        });
        var feed = await _app.Anonymous().GetAsync("/feeds/world-days.ics");
        Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the offered URL answers");
        Assert.That(feed.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/calendar"));
    }

    [Test]
    public async Task The_feed_and_ics_links_that_pages_offer_answer_with_calendars()
    {
        var (_, home) = await GetAsync("/?tag=labour-exploitation&online=true");
        var feedUrl = WebUtility.HtmlDecode(Regex.Match(home, @"id=""feed-url""[^>]*value=""([^""]+)""").Groups[1].Value);
        Assert.That(feedUrl, Is.EqualTo("http://localhost/feeds/events.ics?tag=labour-exploitation&online=true"));
        var feed = await _app.Anonymous().GetAsync(new Uri(feedUrl).PathAndQuery);
        Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await feed.Content.ReadAsStringAsync(), Does.Contain("Webinar on forced labour"));

        var (_, page) = await GetAsync($"/events/{_webinarId}");
        var ics = Regex.Match(page, @"href=""([^""]+\.ics)"" data-link=""ics""").Groups[1].Value;
        var file = await _app.Anonymous().GetAsync(new Uri(ics).PathAndQuery);
        Assert.That(file.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await file.Content.ReadAsStringAsync(), Does.Contain($"UID:{_webinarId}"));
    }

    [Test]
    public async Task An_invalid_filter_on_the_home_page_is_explained_with_a_400()
    {
        var (response, html) = await GetAsync("/?kind=party&country=Belgium");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("Unknown kind &#x27;party&#x27;").Or.Contain("Unknown kind 'party'"));
        Assert.That(html, Does.Contain("ISO 3166-1"));
    }

    [Test]
    public async Task A_long_list_pages_with_a_cursor_link_that_keeps_the_filter()
    {
        var moderator = _app.Moderator();
        for (var day = 1; day <= 52; day++)
            await CreateAsync(moderator, EventBuilder.AllDay($"Daily meeting {day:D2}", $"2031-01-{(day - 1) % 28 + 1:D2}").With("tags", new[] { "paging" }));
        var client = _app.Anonymous();
        var first = await (await client.GetAsync("/?tag=paging&from=2031-01-01")).Content.ReadAsStringAsync();
        var next = Regex.Match(first, @"href=""(/\?from=2031-01-01&amp;tag=paging&amp;cursor=[^""]+)"" rel=""next""");
        Assert.That(next.Success, Is.True, "a link to later events");
        var second = await client.GetAsync(WebUtility.HtmlDecode(next.Groups[1].Value));
        var secondHtml = await second.Content.ReadAsStringAsync();
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Regex.Matches(first, "Daily meeting").Count, Is.EqualTo(50));
        Assert.That(Regex.Matches(secondHtml, "Daily meeting").Count, Is.EqualTo(2));
        Assert.That(secondHtml, Does.Contain("href=\"/?tag=paging\">Back to upcoming events"));
    }

    [Test]
    public async Task The_home_page_looks_a_year_ahead_and_links_on_to_the_next_year()
    {
        var (_, html) = await GetAsync("/?kind=world-day");
        Assert.That(Regex.Matches(html, "World Day against Trafficking in Persons</a>").Count, Is.EqualTo(1), "a yearly day once, not for a decade");
        var next = Regex.Match(html, @"href=""/\?from=(\d{4}-\d{2}-\d{2})&amp;kind=world-day"" rel=""next"">Events from ");
        Assert.That(next.Success, Is.True);
        var (_, later) = await GetAsync($"/?from={next.Groups[1].Value}&kind=world-day");
        Assert.That(Regex.Matches(later, "World Day against Trafficking in Persons</a>").Count, Is.EqualTo(1));
        Assert.That(later, Does.Contain($"value=\"http://localhost/feeds/events.ics?from={next.Groups[1].Value}&amp;kind=world-day\""));
    }

    [Test]
    public async Task The_embed_page_may_be_framed_by_any_site_and_shows_the_next_events()
    {
        var (response, html) = await GetAsync("/embed?kind=webinar&limit=1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.That(csp, Does.Contain("frame-ancestors *").And.Not.Contain("'unsafe-inline'"));
            Assert.That(response.Headers.Contains("X-Frame-Options"), Is.False);
            Assert.That(Regex.Matches(html, "class=\"embed-item\"").Count, Is.EqualTo(1));
            Assert.That(html, Does.Contain("target=\"_blank\""));
        });
        var (_, home) = await GetAsync("/");
        Assert.That(home, Does.Not.Contain("frame-ancestors *"));
    }

    [TestCase("kind=party", "kind")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=51", "limit")]
    [TestCase("theme=neon", "theme")]
    [TestCase("cursor=abc", "cursor")]
    [TestCase("country=XX", "country")]
    public async Task An_invalid_filter_on_embed_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        var response = await _app.Anonymous().GetAsync("/embed?" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty(parameter, out _), Is.True);
    }

    [Test]
    public async Task The_widget_script_is_cached_for_a_year_at_its_versioned_URL_and_briefly_otherwise()
    {
        var client = _app.Anonymous();
        var (_, home) = await GetAsync("/");
        var versioned = Regex.Match(home, @"/embed\.js\?v=([0-9a-f]{12})");
        Assert.That(versioned.Success, Is.True, "the script snippet uses a versioned URL");

        var plain = await client.GetAsync("/embed.js");
        var pinned = await client.GetAsync(versioned.Value);
        var old = await client.GetAsync("/embed.js?v=000000000000");
        Assert.Multiple(() =>
        {
            Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(plain.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(plain.Headers.CacheControl!.ToString(), Is.EqualTo("public, max-age=300"));
            Assert.That(pinned.Headers.CacheControl!.ToString(), Does.Contain("max-age=31536000").And.Contain("immutable"));
            Assert.That(old.Headers.CacheControl!.ToString(), Is.EqualTo("public, max-age=300"));
        });
    }

    [Test]
    public void The_widget_script_stays_under_10_KB_compressed_and_never_writes_HTML_or_cookies()
    {
        var path = Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Api", "wwwroot", "embed.js");
        var bytes = File.ReadAllBytes(path);
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(bytes);
        using var brotli = new MemoryStream();
        using (var stream = new System.IO.Compression.BrotliStream(brotli, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            stream.Write(bytes);
        TestContext.Out.WriteLine($"embed.js: {bytes.Length} bytes, gzip {gzipped.Length}, brotli {brotli.Length}");
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(gzipped.Length, Is.LessThan(10 * 1024));
            Assert.That(brotli.Length, Is.LessThan(10 * 1024));
            Assert.That(text, Does.Not.Contain("innerHTML").And.Not.Contain("insertAdjacentHTML").And.Not.Contain("document.write"));
            Assert.That(text, Does.Not.Contain("document.cookie").And.Not.Contain("localStorage"));
            Assert.That(text, Does.Contain("credentials: \"omit\""));
        });
    }

    [GeneratedRegex("<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex JsonLd();
}
