using System.Net.Http.Json;
using Calendar.Tests.Support;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

/// <summary>The whole path in headless Chromium: submit, see the status, a moderator signs in and approves,
/// the event is public.</summary>
public sealed class SubmitAndModerateTests : BrowserFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" };

    private async Task<(IPage Page, List<string> Problems)> NewPageAsync(int width = 1000, bool bypassCsp = false)
    {
        var page = await OpenPageAsync(new BrowserNewContextOptions
        {
            BypassCSP = bypassCsp, TimezoneId = "Europe/Brussels", Locale = "en-GB", ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        return (page, CollectProblems(page));
    }

    [Test]
    public async Task An_empty_submit_shows_the_errors_focuses_the_first_and_keeps_what_was_typed()
    {
        var (page, problems) = await NewPageAsync(width: 420); // a phone
        await page.GotoAsync(new Uri(_base, "/submit").ToString());
        Assert.That(await page.InputValueAsync("#timeZone"), Is.EqualTo("Europe/Brussels"), "the browser's zone is the default");
        await page.FillAsync("#venue", "Palais des Nations");
        await page.FillAsync("#description", "Two lines\nof description");
        await page.FillAsync("#newTags", "Bad Tag");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();

        await page.Locator("#error-summary").WaitForAsync();
        var summary = await page.Locator("#error-summary").InnerTextAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(summary, Does.Contain("Give the event a title."));
            Assert.That(summary, Does.Contain("Choose what kind of event this is."));
            Assert.That(summary, Does.Contain("Name at least one organizing organisation."));
            Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("title"));
            Assert.That(await page.InputValueAsync("#venue"), Is.EqualTo("Palais des Nations"));
            Assert.That(await page.InputValueAsync("#description"), Is.EqualTo("Two lines\nof description"));
            Assert.That(await page.InputValueAsync("#newTags"), Is.EqualTo("Bad Tag"));
            Assert.That(await page.Locator("#title-error").InnerTextAsync(), Does.Contain("Give the event a title."));
        });
        await Support.Browser.ScreenshotAsync(page, "submit-form-errors");

        // The summary's links lead to the fields.
        await page.Locator("#error-summary a[href='#organizers']").ClickAsync();
        Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("organizers"));
        Assert.That(problems, Is.Empty, "console errors or CSP violations");
    }

    [Test]
    public async Task A_submission_reaches_the_queue_a_moderator_approves_it_and_it_appears_in_the_API()
    {
        var (page, problems) = await NewPageAsync();
        await page.GotoAsync(new Uri(_base, "/submit").ToString());
        await page.FillAsync("#title", "Browser-submitted webinar on forced labour");
        await page.SelectOptionAsync("#kind", "webinar");
        await page.FillAsync("#description", "How to spot forced labour in supply chains.");
        await page.FillAsync("#startsAt", "2030-05-06T14:00");
        await page.FillAsync("#endsAt", "2030-05-06T15:30");
        await page.FillAsync("#joinUrl", "https://meet.example.org/forced-labour");
        await page.FillAsync("#organizers", "La Strada International");
        await page.Locator("input[name=tags][value='labour-exploitation']").CheckAsync();
        await page.FillAsync("#contactEmail", "coordinator@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();

        await page.GetByText("your event is waiting for review").WaitForAsync();
        var privateLink = await page.Locator("a.private-link").InnerTextAsync();
        Assert.That(privateLink, Does.StartWith(new Uri(_base, "/submissions/").ToString()));
        await Support.Browser.ScreenshotAsync(page, "submission-received");

        using var api = ModeratorApi();
        var created = await api.PostAsJsonAsync("/api/admin/accounts",
            new { email = "moderator@example.org", role = "moderator", password = "a long moderator password" });
        Assert.That(created.IsSuccessStatusCode, Is.True, await created.Content.ReadAsStringAsync());

        var (admin, adminProblems) = await NewPageAsync();
        await admin.GotoAsync(new Uri(_base, "/admin").ToString());
        Assert.That(admin.Url, Does.Contain("/login"));
        await admin.GetByLabel("E-mail").FillAsync("moderator@example.org");
        await admin.GetByLabel("Password").FillAsync("a long moderator password");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new() { Name = "Review queue" }).WaitForAsync();
        Assert.That(await admin.Locator(".queue").InnerTextAsync(), Does.Contain("Browser-submitted webinar on forced labour")
            .And.Contain("coordinator@example.org"));
        await Support.Browser.ScreenshotAsync(admin, "moderation-queue");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Browser-submitted webinar on forced labour" }).ClickAsync();
        await Support.Browser.ScreenshotAsync(admin, "moderation-event");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await admin.GetByText("Approved: the event is now public.").WaitForAsync();

        await admin.GetByRole(AriaRole.Link, new() { Name = "Accounts and tokens" }).ClickAsync();
        await admin.GetByLabel("Name of the new token for moderator@example.org").FillAsync("newsletter import");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create token" }).First.ClickAsync();
        Assert.That(await admin.Locator("#new-token").InnerTextAsync(), Does.StartWith("cal_"));
        await Support.Browser.ScreenshotAsync(admin, "accounts-new-token");

        var list = await api.GetStringAsync("/api/events?from=2030-05-01&to=2030-05-31&kind=webinar");
        Assert.That(list, Does.Contain("Browser-submitted webinar on forced labour"));
        Assert.That(list, Does.Not.Contain("coordinator@example.org"));

        // The submitter's private page now says it is published.
        await page.GotoAsync(privateLink);
        Assert.That(await page.Locator(".status-list").InnerTextAsync(), Does.Contain("Published"));
        Assert.That(problems.Concat(adminProblems), Is.Empty, "console errors or CSP violations");
    }

    [Test]
    public async Task The_form_can_be_filled_and_sent_with_the_keyboard_alone()
    {
        var (page, _) = await NewPageAsync();
        await page.GotoAsync(new Uri(_base, "/submit").ToString());
        await page.Locator("#title").FocusAsync();
        await page.Keyboard.TypeAsync("Keyboard-only meeting");
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>("document.activeElement.id"), Is.EqualTo("kind"));
        await page.Locator("#timing-all-day").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        Assert.That(await page.Locator("#all-day-fields").IsVisibleAsync(), Is.True);
        Assert.That(await page.Locator("#timed-fields").IsVisibleAsync(), Is.False);
        await page.Locator("#organizers").FocusAsync();
        await page.Keyboard.TypeAsync("KOK");
        await page.Keyboard.PressAsync("Enter"); // a new line in the textarea, not a submit
        Assert.That(page.Url, Does.EndWith("/submit"));
    }

    [Test]
    public async Task The_form_login_and_moderation_pages_have_no_serious_accessibility_violations()
    {
        using var api = ModeratorApi();
        await api.PostAsJsonAsync("/api/admin/accounts", new { email = "axe@example.org", role = "moderator", password = "a long moderator password" });
        var submitted = await api.PostAsJsonAsync("/api/submissions", EventBuilder.Timed("Audited by axe").With("contactEmail", "x@example.org"));
        var id = (await submitted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();

        // axe is injected as an inline script, which the pages' CSP forbids: this context bypasses CSP for the audit only.
        var (page, _) = await NewPageAsync(bypassCsp: true);
        var failures = new List<string>();
        await page.GotoAsync(new Uri(_base, "/submit").ToString());
        failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, "/submit"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await page.Locator("#error-summary").WaitForAsync();
        failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, "/submit with errors"));
        await page.GotoAsync(new Uri(_base, "/login").ToString());
        failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, "/login"));
        await page.GetByLabel("E-mail").FillAsync("axe@example.org");
        await page.GetByLabel("Password").FillAsync("a long moderator password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Review queue" }).WaitForAsync();
        foreach (var path in new[] { "/admin", $"/admin/events/{id}", $"/admin/events/{id}/edit", "/admin/accounts" })
        {
            await page.GotoAsync(new Uri(_base, path).ToString());
            failures.AddRange(await Support.Axe.SeriousViolationsAsync(page, path));
        }
        Assert.That(failures, Is.Empty);
    }

}
