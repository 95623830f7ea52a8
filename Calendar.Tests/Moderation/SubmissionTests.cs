using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Moderation;

public sealed class SubmissionTests
{
    private CalendarApp _app = null!;

    [OneTimeSetUp]
    public async Task Start() => _app = await CalendarApp.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    [Test]
    public async Task A_submission_through_the_API_is_pending_private_and_has_a_status_link()
    {
        var response = await _app.Anonymous().PostJsonAsync("/api/submissions",
            EventBuilder.Timed("Submitted by a coordinator").With("contactEmail", "me@example.org"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        var id = json.GetProperty("id").GetString();
        var statusUrl = json.GetProperty("statusUrl").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("moderation").GetString(), Is.EqualTo("pending"));
            Assert.That(statusUrl, Does.Match("^http://localhost/submissions/[A-Za-z0-9_-]{43}$"));
        });

        var publicItem = await _app.Anonymous().GetAsync($"/api/events/{id}");
        var publicList = await (await _app.Anonymous().GetAsync("/api/events?from=2030-01-01")).Content.ReadAsStringAsync();
        var page = await _app.Anonymous().GetAsync(new Uri(statusUrl).PathAndQuery);
        var status = await (await _app.Anonymous().GetAsync(response.Headers.Location!)).JsonAsync();
        var html = await page.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(publicItem.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(publicList, Does.Not.Contain("Submitted by a coordinator"));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("Waiting for review"));
            Assert.That(page.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(status.GetProperty("moderation").GetString(), Is.EqualTo("pending"));
            Assert.That(status.GetProperty("event").GetProperty("contactEmail").GetString(), Is.EqualTo("me@example.org"));
        });
    }

    [Test]
    public async Task A_submission_without_an_organizer_or_with_bad_fields_names_each_field_and_changes_nothing()
    {
        var before = await _app.SnapshotAsync();
        var body = EventBuilder.Timed("").Without("organizers").With("timeZone", "Mars/Olympus").With("contactEmail", "not-an-email");
        var response = await _app.Anonymous().PostJsonAsync("/api/submissions", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Multiple(async () =>
        {
            Assert.That(errors.TryGetProperty("title", out _), Is.True, errors.ToString());
            Assert.That(errors.GetProperty("organizers")[0].GetString(), Is.EqualTo("Name at least one organizing organisation."));
            Assert.That(errors.TryGetProperty("timeZone", out _), Is.True);
            Assert.That(errors.TryGetProperty("contactEmail", out _), Is.True);
            Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Missing_title_kind_time_zone_or_first_day_are_named_not_a_500()
    {
        var before = await _app.SnapshotAsync();
        var timed = await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed().Without("title").Without("kind").Without("timeZone"));
        var allDay = await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.AllDay().Without("startsOn").Without("endsOn"));
        Assert.That(timed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await timed.Content.ReadAsStringAsync());
        Assert.That(allDay.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await allDay.Content.ReadAsStringAsync());
        var errors = (await timed.JsonAsync()).GetProperty("errors");
        Assert.Multiple(async () =>
        {
            Assert.That(errors.GetProperty("title")[0].GetString(), Is.EqualTo("Give the event a title."));
            Assert.That(errors.GetProperty("kind")[0].GetString(), Is.EqualTo("Choose what kind of event this is."));
            Assert.That(errors.GetProperty("timeZone")[0].GetString(), Does.StartWith("Choose the time zone"));
            Assert.That((await allDay.JsonAsync()).GetProperty("errors").GetProperty("startsOn")[0].GetString(), Is.EqualTo("Give the first day of the event."));
            Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_robot_that_fills_the_honeypot_learns_nothing_from_validation_either()
    {
        var before = await _app.SnapshotAsync();
        var invalid = EventBuilder.Timed("").With("kind", "party").With("website", 42);
        var response = await _app.Anonymous().PostJsonAsync("/api/submissions", invalid);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_filled_honeypot_is_answered_like_success_but_nothing_is_stored()
    {
        var before = await _app.SnapshotAsync();
        var response = await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed("Spam").With("website", "http://spam.example"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));

        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var fields = Forms.ValidEvent("Spam through the form").Where(f => f.Item1 != "website").Append(("website", "http://spam.example")).ToArray();
        var form = await Forms.PostAsync(client, "/submit", token, fields);
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(form.Headers.Location!.ToString(), Is.EqualTo("/submit/received"));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_empty_form_comes_back_with_errors_next_to_the_fields_and_keeps_what_was_typed()
    {
        var before = await _app.SnapshotAsync();
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var response = await Forms.PostAsync(client, "/submit", token,
            ("title", ""), ("kind", ""), ("timing", "timed"), ("venue", "Haus der <Begegnung> & \"Co\""), ("newTags", "Not A Slug"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(html, Does.Contain("<a href=\"#title\">Give the event a title.</a>"));
            Assert.That(html, Does.Contain("id=\"title-error\""));
            Assert.That(html, Does.Contain("Choose what kind of event this is."));
            Assert.That(html, Does.Contain("Name at least one organizing organisation."));
            Assert.That(html, Does.Contain("<a href=\"#newTags\">"));
            Assert.That(html, Does.Contain("value=\"Haus der &lt;Begegnung&gt; &amp; &quot;Co&quot;\""));
            Assert.That(html, Does.Contain("value=\"Not A Slug\""));
            Assert.That(html, Does.Match("id=\"title\"[^>]*aria-invalid=\"true\"[^>]*autofocus"));
            Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var before = await _app.SnapshotAsync();
        // A page on another site can make a browser post the fields, but it cannot read our token.
        var forged = await Forms.PostAsync(_app.Anonymous(), "/submit", null, Forms.ValidEvent("Forged"));
        var stolenCookieless = await Forms.PostAsync(_app.Anonymous(), "/submit", await Forms.TokenFromAsync(_app.Anonymous(), "/submit"),
            Forms.ValidEvent("Token without its cookie"));
        Assert.Multiple(async () =>
        {
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await forged.Content.ReadAsStringAsync(), Does.Contain("Please send the form again"));
            Assert.That(stolenCookieless.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_valid_form_leads_to_the_private_status_page_where_the_submitter_can_correct_it_while_pending()
    {
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var response = await Forms.PostAsync(client, "/submit", token, Forms.ValidEvent("Form webinar"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        Assert.That(location, Does.Match("^/submissions/[A-Za-z0-9_-]{43}\\?new=1$"));

        var statusHtml = await (await client.GetAsync(location)).Content.ReadAsStringAsync();
        Assert.That(statusHtml, Does.Contain("your event is waiting for review"));
        var statusPath = location.Split('?')[0];

        var fields = Forms.ValidEvent("Form webinar, corrected").Append(("revision", Regex("name=\"revision\" value=\"(\\d+)\"", statusHtml))).ToArray();
        var corrected = await Forms.PostAsync(client, statusPath, Forms.TokenIn(statusHtml), fields);
        Assert.That(corrected.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await corrected.Content.ReadAsStringAsync());

        var status = await (await client.GetAsync("/api" + statusPath)).JsonAsync();
        var e = status.GetProperty("event");
        Assert.Multiple(() =>
        {
            Assert.That(e.GetProperty("title").GetString(), Is.EqualTo("Form webinar, corrected"));
            Assert.That(e.GetProperty("moderation").GetString(), Is.EqualTo("pending"));
            Assert.That(e.GetProperty("organizers").EnumerateArray().Select(o => o.GetString()), Is.EqualTo(new[] { "La Strada International", "KOK" }));
            Assert.That(e.GetProperty("tags").EnumerateArray().Select(o => o.GetString()), Is.EqualTo(new[] { "labour-exploitation", "migration" }));
            Assert.That(e.GetProperty("timeZone").GetString(), Is.EqualTo("Europe/Vienna"));
        });

        // Once approved, the private page no longer accepts changes.
        var id = e.GetProperty("id").GetString();
        Assert.That((await _app.Moderator().PostAsync($"/api/moderation/{id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page = await (await client.GetAsync(statusPath)).Content.ReadAsStringAsync();
        var late = await Forms.PostAsync(client, statusPath, Forms.TokenIn(statusHtml), Forms.ValidEvent("Changed after approval"));
        var after = await (await client.GetAsync("/api" + statusPath)).JsonAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(page, Does.Contain("Published"));
            Assert.That(page, Does.Not.Contain("Save corrections"));
            Assert.That(await late.Content.ReadAsStringAsync(), Does.Contain("can no longer be changed"));
            Assert.That(after.GetProperty("event").GetProperty("title").GetString(), Is.EqualTo("Form webinar, corrected"));
        });
    }

    [Test]
    public async Task A_yearly_all_day_submission_is_stored_with_a_yearly_rule_on_its_date()
    {
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var response = await Forms.PostAsync(client, "/submit", token,
            ("title", "A new world day"), ("kind", "world-day"), ("timing", "all-day"), ("startsOn", "2031-10-18"), ("endsOn", ""),
            ("startsAt", "ignored because all-day"), ("repeat", "yearly"), ("organizers", "Council of Europe"), ("tags", "human-rights"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
        var e = (await (await client.GetAsync("/api" + response.Headers.Location!.ToString().Split('?')[0])).JsonAsync()).GetProperty("event");
        Assert.Multiple(() =>
        {
            Assert.That(e.GetProperty("allDay").GetBoolean(), Is.True);
            Assert.That(e.GetProperty("startsOn").GetString(), Is.EqualTo("2031-10-18"));
            Assert.That(e.GetProperty("endsOn").GetString(), Is.EqualTo("2031-10-18"));
            Assert.That(e.GetProperty("recurrence").GetString(), Is.EqualTo("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=18"));
        });
    }

    [Test]
    public async Task Hostile_text_is_stored_as_typed_and_shown_as_text_on_the_status_and_moderation_pages()
    {
        const string title = "<script>alert(1)</script> \" onmouseover=\"x";
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var fields = Forms.ValidEvent(title).Where(f => f.Item1 != "organizers").Append(("organizers", "<img src=x onerror=alert(2)>")).ToArray();
        var response = await Forms.PostAsync(client, "/submit", token, fields);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
        var status = await (await client.GetAsync(response.Headers.Location!)).Content.ReadAsStringAsync();
        var queue = await (await _app.Moderator().GetAsync("/api/moderation/queue")).Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(status, Does.Not.Contain("<script>alert(1)").And.Not.Contain("<img src=x"));
            Assert.That(status, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"));
            Assert.That(queue, Does.Contain("\\u003Cscript\\u003Ealert(1)").Or.Contain("<script>alert(1)"));
        });
    }

    [Test]
    public async Task An_oversized_form_field_is_reported_as_too_long_not_lost_and_nothing_is_stored()
    {
        var before = await _app.SnapshotAsync();
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/submit");
        var fields = Forms.ValidEvent(new string('x', 100_000));
        var response = await Forms.PostAsync(client, "/submit", token, fields);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("Keep the title to 200 characters or fewer"));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_unknown_status_link_is_a_polite_404()
    {
        var page = await _app.Anonymous().GetAsync("/submissions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var api = await _app.Anonymous().GetAsync("/api/submissions/x");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Submission not found"));
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static string Regex(string pattern, string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, pattern);
        Assert.That(match.Success, Is.True, pattern);
        return match.Groups[1].Value;
    }
}

public sealed class SubmissionRateLimitTests
{
    [Test]
    public async Task Submissions_and_sign_ins_beyond_the_limit_get_429_and_store_nothing()
    {
        await using var app = await CalendarApp.StartAsync(new Dictionary<string, string?>
        {
            ["Calendar:Limits:SubmissionsPerHour"] = "2",
            ["Calendar:Limits:LoginsPerFiveMinutes"] = "2",
        });
        var client = app.Anonymous();
        for (var i = 0; i < 2; i++)
            Assert.That((await client.PostJsonAsync("/api/submissions", EventBuilder.Timed($"Allowed {i}"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var before = await app.SnapshotAsync();
        var third = await client.PostJsonAsync("/api/submissions", EventBuilder.Timed("One too many"));
        var token = await Forms.TokenFromAsync(client, "/submit");
        var form = await Forms.PostAsync(client, "/submit", token, Forms.ValidEvent("One too many, by form"));
        Assert.Multiple(async () =>
        {
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(third.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(third.Headers.RetryAfter, Is.Not.Null);
            Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await form.Content.ReadAsStringAsync(), Does.Contain("Please wait a moment"));
            Assert.That(await app.SnapshotAsync(), Is.EqualTo(before));
        });

        var loginToken = await Forms.TokenFromAsync(client, "/login");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await Forms.PostAsync(client, "/login", loginToken, ("email", "nobody@example.org"), ("password", "wrong password!!"))).StatusCode);
        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
    }
}
