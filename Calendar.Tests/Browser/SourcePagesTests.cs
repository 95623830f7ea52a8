using System.Net.Http.Json;
using Calendar.Tests.Support;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

/// <summary>/admin/sources in headless Chromium: a moderator adds a partner's feed with the keyboard, fetches it,
/// reads the report and finds the events in the queue; hostile text stays text; axe-core finds nothing serious.</summary>
public sealed class SourcePagesTests : BrowserFixture
{
    private FeedServer _server = null!;
    private const string Password = "a long moderator password";

    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Calendar:Import:AllowPrivateNetworks"] = "true" };

    [OneTimeSetUp]
    public async Task StartFeedServerAndAddModerator()
    {
        _server = await FeedServer.StartAsync();
        using var api = ModeratorApi();
        var created = await api.PostAsJsonAsync("/api/admin/accounts", new { email = "feeds@example.org", role = "moderator", password = Password });
        Assert.That(created.IsSuccessStatusCode, Is.True);
    }

    [OneTimeTearDown]
    public async Task StopFeedServer() => await _server.DisposeAsync();

    private async Task<(IPage Page, List<string> Problems)> SignedInAsync(bool bypassCsp = false)
    {
        var page = await OpenPageAsync(new BrowserNewContextOptions { BypassCSP = bypassCsp, Locale = "en-GB" });
        var problems = CollectProblems(page);
        page.Dialog += (_, d) => problems.Add("a dialog opened: " + d.Message);
        await page.GotoAsync(new Uri(_base, "/login").ToString());
        await page.GetByLabel("E-mail").FillAsync("feeds@example.org");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Review queue" }).WaitForAsync();
        return (page, problems);
    }

    [Test]
    public async Task A_moderator_adds_a_feed_with_the_keyboard_fetches_it_and_finds_its_events_in_the_queue_with_hostile_text_shown_as_text()
    {
        const string hostile = "<img src=x onerror=alert(1)>Partner \"NGO\" & co";
        _server.Serve("/hostile.ics", Ics.Calendar(
            new Ics.Item("h1@partner.example", "<script>alert('title')</script> Hostile webinar", "20310602T100000", "20310602T110000"),
            new Ics.Item("h2@partner.example", "", "20310603T100000", "20310603T110000")));
        var (page, problems) = await SignedInAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Partner feeds" }).ClickAsync();
        await page.Locator("#name").FocusAsync();
        await page.Keyboard.TypeAsync(hostile);
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("url"));
        await page.Keyboard.TypeAsync(_server.Url("/hostile.ics"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Hostile partner");
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("kind"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("partner-feed");
        await page.Keyboard.PressAsync("Enter"); // submits the form
        await page.GetByText("Source added.").WaitForAsync();
        Assert.That(await page.Locator("h1").InnerTextAsync(), Does.Contain(hostile));

        await page.GetByRole(AriaRole.Button, new() { Name = "Fetch now", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Fetched. The report").WaitForAsync();
        var report = await page.Locator(".runs li").First.InnerTextAsync();
        Assert.That(report, Does.Contain("ok").And.Contain("1 created").And.Contain("1 skipped"));
        await page.GetByText("Skipped events (1) and why").ClickAsync();
        Assert.That(await page.Locator(".runs details").InnerTextAsync(), Does.Contain("h2@partner.example").And.Contain("no title"));
        await Support.Browser.ScreenshotAsync(page, "admin-source-report");

        await page.GetByRole(AriaRole.Link, new() { Name = "Review queue" }).ClickAsync();
        var queue = page.Locator(".queue");
        Assert.That(await queue.InnerTextAsync(), Does.Contain("<script>alert('title')</script> Hostile webinar").And.Contain("From the partner feed " + hostile));
        Assert.That(await page.Locator(".queue img, .queue script, main script").CountAsync(), Is.Zero, "hostile text never becomes markup");
        await page.GetByRole(AriaRole.Link, new() { Name = "<script>alert('title')</script> Hostile webinar" }).ClickAsync();
        Assert.That(await page.Locator("main").InnerTextAsync(), Does.Contain("From the partner feed " + hostile));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task An_invalid_source_shows_each_problem_keeps_what_was_typed_and_focuses_the_first_field()
    {
        var (page, problems) = await SignedInAsync();
        await page.GotoAsync(new Uri(_base, "/admin/sources").ToString());
        await page.FillAsync("#url", "ftp://example.org/feed.ics");
        await page.FillAsync("#tags", "Bad Tag!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        await page.Locator("#error-summary").WaitForAsync();
        var summary = await page.Locator("#error-summary").InnerTextAsync();
        Assert.That(summary, Does.Contain("Name the source").And.Contain("http:// or https://").And.Contain("Name the organizer").And.Contain("A tag is"));
        Assert.That(await page.InputValueAsync("#url"), Is.EqualTo("ftp://example.org/feed.ics"));
        Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("name"));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task A_source_can_be_paused_resumed_and_retired_from_its_page()
    {
        using var api = ModeratorApi();
        var created = await api.PostAsJsonAsync("/api/sources", new { name = "Lifecycle partner", url = _server.Url("/lifecycle.ics"), organizer = "KOK" });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        var (page, problems) = await SignedInAsync();
        await page.GotoAsync(new Uri(_base, $"/admin/sources/{id}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await page.GetByText("Paused: the source is not fetched").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await page.GetByText("Resumed").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retire" }).ClickAsync();
        await page.GetByText("Retired: the source is no longer fetched").First.WaitForAsync();
        Assert.That(await page.GetByRole(AriaRole.Button, new() { Name = "Fetch now" }).CountAsync(), Is.Zero);
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task The_source_pages_have_no_serious_accessibility_violations()
    {
        var items = Ics.Weekly("axe", 5);
        _server.Serve("/axe.ics", Ics.Calendar([.. items, new Ics.Item("bad@partner.example", "", "20310601T100000", "20310601T110000")]));
        using var api = ModeratorApi();
        var form = await api.PostAsJsonAsync("/api/events", EventBuilder.Timed("Axe session one", "2031-03-03T10:00", "2031-03-03T11:00", "Europe/Vienna"));
        Assert.That(form.IsSuccessStatusCode, Is.True);
        var created = await api.PostAsJsonAsync("/api/sources", new { name = "Audited partner", url = _server.Url("/axe.ics"), organizer = "KOK" });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        await api.PostAsync($"/api/sources/{id}/run", null);
        _server.Serve("/axe.ics", Ics.Calendar(items[..2]));
        await api.PostAsync($"/api/sources/{id}/run", null); // held: the page offers the override

        var (page, _) = await SignedInAsync(bypassCsp: true);
        var failures = new List<string>();
        foreach (var path in new[] { "/admin/sources", $"/admin/sources/{id}", "/admin" })
        {
            await page.GotoAsync(new Uri(_base, path).ToString());
            failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, path));
        }
        Assert.That(await page.Locator(".duplicate-flag").InnerTextAsync(), Does.Contain("Possible duplicate of Axe session one"), "the queue flags it");
        Assert.That(await page.GotoAsync(new Uri(_base, $"/admin/sources/{id}").ToString()) is not null);
        Assert.That(await page.GetByRole(AriaRole.Button, new() { Name = "Fetch now and cancel the vanished events" }).CountAsync(), Is.EqualTo(1));
        await page.GotoAsync(new Uri(_base, "/admin/sources").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        await page.Locator("#error-summary").WaitForAsync();
        failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, "/admin/sources with errors"));
        Assert.That(failures, Is.Empty);
    }

}
