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
        var (response, html) = await GetAsync("/");
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
        foreach (var url in new[] { "/", $"/events/{_hostileId}", "/embed?tag=child-trafficking" })
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
        var (response, html) = await GetAsync("/?kind=world-day&utm_campaign=x");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("World Day against Trafficking in Persons"));
            Assert.That(html, Does.Not.Contain("Webinar on forced labour"));
            Assert.That(html, Does.Contain("value=\"http://localhost/feeds/events.ics?kind=world-day\""));
            Assert.That(html, Does.Contain("href=\"webcal://localhost/feeds/events.ics?kind=world-day\""));
            Assert.That(html, Does.Contain("href=\"https://calendar.google.com/calendar/r?cid=http%3A%2F%2Flocalhost%2Ffeeds%2Fevents.ics%3Fkind%3Dworld-day\""));
            Assert.That(html, Does.Contain("https://outlook.office.com/calendar/0/addfromweb?url=http%3A%2F%2Flocalhost%2Ffeeds%2Fevents.ics%3Fkind%3Dworld-day&amp;name="));
            Assert.That(html, Does.Contain("https://outlook.live.com/calendar/0/addfromweb?url="));
            Assert.That(html, Does.Contain("https://calendar.google.com/calendar/u/0/r/settings/addbyurl"));
            Assert.That(html, Does.Contain("&lt;iframe src=&quot;http://localhost/embed?kind=world-day&amp;amp;limit=5&quot;"));
            Assert.That(html, Does.Match("data-kind=&quot;world-day&quot;"));
            Assert.That(html, Does.Match(@"name=""kind"" value=""world-day"" checked"));
        });
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
        await using var app = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" });
        var moderator = app.Moderator();
        for (var day = 1; day <= 52; day++)
            await CreateAsync(moderator, EventBuilder.AllDay($"Daily meeting {day:D2}", $"2031-01-{(day - 1) % 28 + 1:D2}").With("tags", new[] { "paging" }));
        var client = app.Anonymous();
        var first = await (await client.GetAsync("/?tag=paging")).Content.ReadAsStringAsync();
        var next = Regex.Match(first, @"href=""(/\?tag=paging&amp;cursor=[^""]+)"" rel=""next""");
        Assert.That(next.Success, Is.True, "a link to later events");
        var second = await client.GetAsync(WebUtility.HtmlDecode(next.Groups[1].Value));
        var secondHtml = await second.Content.ReadAsStringAsync();
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Regex.Matches(first, "Daily meeting").Count + Regex.Matches(secondHtml, "Daily meeting").Count, Is.EqualTo(52));
        Assert.That(secondHtml, Does.Contain("Back to the first events"));
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

    [GeneratedRegex("<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex JsonLd();
}
