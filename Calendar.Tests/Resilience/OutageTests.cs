using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Calendar.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Calendar.Tests.Resilience;

/// <summary>
/// The suite's own PostgreSQL cluster is stopped under a running service (real Kestrel on loopback) and started
/// again. Each test leaves the cluster running, so the rest of the suite is not disturbed; the fixture runs alone.
/// </summary>
[NonParallelizable]
public sealed class OutageTests
{
    private CalendarApp _app = null!;
    private Uri _base = null!;
    private HttpClient _anonymous = null!, _moderator = null!;
    private string _eventId = "";
    private readonly Dictionary<string, Served> _served = [];

    private sealed record Served(byte[] Body, string ETag, DateTimeOffset LastModified, string? ContentEncoding);

    /// <summary>Feeds a subscriber had fetched before the outage: the filtered feed, a named feed, one event's file,
    /// and the filtered feed gzip-compressed.</summary>
    private IEnumerable<(string Url, bool Gzip)> Feeds =>
    [
        ("/feeds/events.ics", false), ("/feeds/webinars.ics", false), ($"/events/{_eventId}.ics", false), ("/feeds/events.ics", true),
    ];

    [OneTimeSetUp]
    public async Task StartServiceAndServeFeeds()
    {
        TestCluster.RequireControl();
        (_app, _base) = await CalendarApp.StartOnKestrelAsync();
        _anonymous = new HttpClient { BaseAddress = _base };
        _moderator = new HttpClient { BaseAddress = _base };
        _moderator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CalendarApp.ModeratorToken);
        var created = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Webinar before the outage"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        _eventId = (await created.JsonAsync()).GetProperty("id").GetString()!;
        await _moderator.PostJsonAsync("/api/events", EventBuilder.AllDay("Expert meeting before the outage"));
        foreach (var (url, gzip) in Feeds)
        {
            var response = await GetFeed(url, gzip);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            _served[Key(url, gzip)] = new Served(await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.ToString(),
                response.Content.Headers.LastModified!.Value, response.Content.Headers.ContentEncoding.FirstOrDefault());
        }
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await TestCluster.EnsureRunningAsync();
        _anonymous?.Dispose();
        _moderator?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    [TearDown]
    public Task LeaveTheClusterRunning() => TestCluster.EnsureRunningAsync();

    private static string Key(string url, bool gzip) => url + (gzip ? " (gzip)" : "");

    private Task<HttpResponseMessage> GetFeed(string url, bool gzip, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (gzip) request.Headers.AcceptEncoding.ParseAdd("gzip");
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return _anonymous.SendAsync(request);
    }

    private static async Task<long> CountAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while ((await _anonymous.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.That(clock.Elapsed, Is.LessThan(within), "the service did not become ready again");
            await Task.Delay(200);
        }
    }

    private static async Task AssertUnavailableProblem(HttpResponseMessage response, string what)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), what);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero), $"{what}: Retry-After");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), what);
        var problem = await response.JsonAsync();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(503), what);
    }

    [Test]
    public async Task While_the_database_is_stopped_the_API_answers_503_problems_with_Retry_After_and_refused_writes_change_nothing()
    {
        var events = await CountAsync(_app.ConnectionString, "events");
        var audit = await CountAsync(_app.ConnectionString, "moderation_log");
        await TestCluster.StopAsync();

        // Several rounds: the first requests meet the outage, the later ones are turned away before trying.
        for (var round = 0; round < 3; round++)
        {
            await AssertUnavailableProblem(await _anonymous.GetAsync("/api/events"), "GET /api/events");
            await AssertUnavailableProblem(await _anonymous.GetAsync($"/api/events/{_eventId}"), "GET /api/events/{id}");
            await AssertUnavailableProblem(await _anonymous.GetAsync("/api/tags"), "GET /api/tags");
            var crossOrigin = new HttpRequestMessage(HttpMethod.Get, "/api/events");
            crossOrigin.Headers.Add("Origin", "https://partner.example.org");
            var fromPartner = await _anonymous.SendAsync(crossOrigin);
            await AssertUnavailableProblem(fromPartner, "GET /api/events from a partner's page");
            Assert.That(fromPartner.Headers.Contains("Access-Control-Allow-Origin"), Is.True, "a partner page's script can read the 503");
            await AssertUnavailableProblem(await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Written during the outage")), "POST /api/events");
            await AssertUnavailableProblem(await _moderator.PutAsJsonAsync($"/api/events/{_eventId}", EventBuilder.Timed("Edited during the outage")), "PUT /api/events/{id}");
            await AssertUnavailableProblem(await _moderator.PostAsync($"/api/events/{_eventId}/cancel", null), "POST cancel");
            await AssertUnavailableProblem(await _moderator.DeleteAsync($"/api/events/{_eventId}"), "DELETE /api/events/{id}");
            await AssertUnavailableProblem(await _anonymous.PostJsonAsync("/api/submissions",
                EventBuilder.Timed("Submitted during the outage").With("contactEmail", "someone@example.org")), "POST /api/submissions");
            Assert.That((await _anonymous.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((await _anonymous.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await TestCluster.StartAsync();
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(10));
        Assert.That(await CountAsync(_app.ConnectionString, "events"), Is.EqualTo(events), "no event was written");
        Assert.That(await CountAsync(_app.ConnectionString, "moderation_log"), Is.EqualTo(audit), "no audit row was written");
        var unchanged = await (await _anonymous.GetAsync($"/api/events/{_eventId}")).JsonAsync();
        Assert.That(unchanged.GetProperty("title").GetString(), Is.EqualTo("Webinar before the outage"));
        Assert.That(unchanged.GetProperty("status").GetString(), Is.Not.EqualTo("cancelled"));
    }

    [Test]
    public async Task While_the_database_is_stopped_pages_answer_a_small_HTML_page_with_503_and_not_JSON()
    {
        await TestCluster.StopAsync();
        foreach (var path in new[] { "/", $"/events/{_eventId}", "/submit", "/admin", "/login", "/embed" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            var response = await _anonymous.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), path);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"), path);
            Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero), path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.That(html, Does.Contain("<h1>Temporarily unavailable</h1>"), path);
            Assert.That(html, Does.Not.Contain("\"status\""), path);
        }
        var form = await _anonymous.PostAsync("/submit", new FormUrlEncodedContent(new Dictionary<string, string> { ["title"] = "Sent during the outage" }));
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "POST /submit");
        Assert.That(form.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"), "POST /submit");

        // What a visitor sees, in Chromium: the page, readable and accessible.
        var (playwright, browser) = await Support.Browser.LaunchAsync();
        try
        {
            // axe is injected as an inline script, which the CSP forbids: this context bypasses CSP for the audit only.
            var context = await browser.NewContextAsync(new() { BypassCSP = true });
            var page = await context.NewPageAsync();
            var response = await page.GotoAsync(new Uri(_base, "/").ToString());
            Assert.That(response!.Status, Is.EqualTo(503));
            Assert.That(await page.TitleAsync(), Does.StartWith("Temporarily unavailable"));
            Assert.That(await page.GetByRole(AriaRole.Heading, new() { Name = "Temporarily unavailable" }).IsVisibleAsync(), Is.True);
            await Support.Browser.ScreenshotAsync(page, "database-unavailable");
            Assert.That(await Support.Axe.SeriousViolationsAsync(page), Is.Empty);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Test]
    public async Task While_the_database_is_stopped_feeds_answer_with_their_last_bytes_and_validators_and_304_to_subscribers_who_have_them()
    {
        await TestCluster.StopAsync();
        var until = Stopwatch.StartNew();
        do
        {
            foreach (var (url, gzip) in Feeds)
            {
                var before = _served[Key(url, gzip)];
                var response = await GetFeed(url, gzip);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Key(url, gzip));
                Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(before.Body), Key(url, gzip));
                Assert.That(response.Headers.ETag!.ToString(), Is.EqualTo(before.ETag), Key(url, gzip));
                Assert.That(response.Content.Headers.LastModified, Is.EqualTo(before.LastModified), Key(url, gzip));
                Assert.That(response.Content.Headers.ContentEncoding.FirstOrDefault(), Is.EqualTo(before.ContentEncoding), Key(url, gzip));

                var conditional = await GetFeed(url, gzip, ifNoneMatch: before.ETag);
                Assert.That(conditional.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), Key(url, gzip) + " with If-None-Match");
            }
            await Task.Delay(250);
        } while (until.Elapsed < TimeSpan.FromSeconds(3));

        // A feed this instance never rendered has nothing to fall back on: 503 with Retry-After, not a 500.
        var unknown = await GetFeed("/feeds/events.ics?kind=conference", gzip: false);
        await AssertUnavailableProblem(unknown, "a feed never rendered");
    }

    [Test]
    public async Task Within_10_seconds_of_the_database_returning_every_route_answers_normally_without_a_restart()
    {
        await TestCluster.StopAsync();
        Assert.That((await _anonymous.GetAsync("/api/events")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        await Task.Delay(TimeSpan.FromSeconds(5)); // long enough for the probe to back off
        Assert.That((await _anonymous.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        await TestCluster.StartAsync();
        var back = Stopwatch.StartNew();
        string[] routes = ["/api/events", "/api/tags", "/", $"/events/{_eventId}", "/health/ready", "/feeds/events.ics?kind=meeting"];
        var pending = new HashSet<string>(routes);
        while (pending.Count > 0)
        {
            foreach (var route in pending.ToList())
                if ((await _anonymous.GetAsync(route)).StatusCode == HttpStatusCode.OK) pending.Remove(route);
            Assert.That(back.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), $"still not answering normally: {string.Join(", ", pending)}");
            if (pending.Count > 0) await Task.Delay(100);
        }
        TestContext.Out.WriteLine($"Every route answered normally {back.Elapsed.TotalSeconds:0.0} s after the database was started");

        // Writes work again, and the feed that served its old version picks up the change.
        var created = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Webinar after the outage"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var feed = await GetFeed("/feeds/events.ics", gzip: false);
        Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await feed.Content.ReadAsStringAsync(), Does.Contain("Webinar after the outage"));
        Assert.That(feed.Headers.ETag!.ToString(), Is.Not.EqualTo(_served[Key("/feeds/events.ics", false)].ETag));
        await _moderator.DeleteAsync($"/api/events/{(await created.JsonAsync()).GetProperty("id").GetString()}");
    }

    [Test]
    public async Task A_service_started_while_the_database_is_down_stays_up_and_migrates_loads_and_becomes_ready_when_it_appears()
    {
        var empty = await TestDatabase.CreateEmptyAsync();
        await TestCluster.StopAsync();
        await using var app = CalendarApp.On(empty, new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" });
        var client = app.Anonymous(); // starts the service

        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        await AssertUnavailableProblem(await client.GetAsync("/api/events"), "GET /api/events before the database exists");
        var page = await client.GetAsync("/");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        await AssertUnavailableProblem(await client.GetAsync("/feeds/events.ics"), "a feed before the database exists");

        await TestCluster.StartAsync();
        var clock = Stopwatch.StartNew();
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the service did not become ready");
            await Task.Delay(200);
        }
        var list = await client.GetAsync("/api/events?from=2000-01-01&limit=200");
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await list.JsonAsync()).GetProperty("items").GetArrayLength(), Is.GreaterThan(10), "the sample events were loaded");
        Assert.That(await CountAsync(empty, "schemaversions"), Is.GreaterThan(0), "the migrations ran");
        Assert.That((await client.GetAsync("/feeds/events.ics")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // The form's antiforgery token needs the key ring, which is kept in the database too.
        var form = await client.GetAsync("/submit");
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await form.Content.ReadAsStringAsync(), Does.Contain("__RequestVerificationToken"));
    }
}
