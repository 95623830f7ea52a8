using System.Net;
using System.Net.Http.Json;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Moderation;

public sealed class ModerationTests
{
    internal const string Password = "correct horse battery staple";
    private CalendarApp _app = null!;
    private Guid _coordinatorId;
    private string _coordinatorToken = "";
    private string _otherToken = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:Limits:LoginsPerFiveMinutes"] = "1000" });
        _coordinatorId = await Forms.CreateAccountAsync(_app, "coordinator@example.org", "coordinator", Password);
        _coordinatorToken = (await Forms.CreateTokenAsync(_app, _coordinatorId)).Token;
        var other = await Forms.CreateAccountAsync(_app, "other@example.org", "coordinator");
        _otherToken = (await Forms.CreateTokenAsync(_app, other)).Token;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static readonly string[] ModeratorRoutes =
    [
        "GET /api/moderation/queue", "POST /api/moderation/{id}/approve", "POST /api/moderation/{id}/reject",
        "GET /api/moderation/{id}/history", "GET /api/admin/accounts", "POST /api/admin/accounts", "GET /api/admin/tokens",
        "DELETE /api/admin/tokens/{id}", "POST /api/admin/accounts/{id}/tokens", "DELETE /api/events/{id}",
    ];

    [Test]
    public async Task Moderator_routes_answer_401_to_anonymous_callers_and_403_to_coordinators()
    {
        var id = await PendingAsync("Guarded");
        var before = await _app.SnapshotAsync();
        foreach (var route in ModeratorRoutes)
        {
            var parts = route.Replace("{id}", id).Split(' ');
            foreach (var (client, expected) in new[] { (_app.Anonymous(), HttpStatusCode.Unauthorized), (_app.WithToken(_coordinatorToken), HttpStatusCode.Forbidden) })
            {
                var request = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1]);
                if (parts[0] == "POST") request.Content = new StringContent("{\"reason\":\"x\",\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
                var response = await client.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(expected), route);
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), route);
            }
        }
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_coordinator_token_creates_a_pending_event_that_moderators_see_in_the_queue_oldest_first()
    {
        var first = await PendingAsync("Queue first");
        var response = await _app.WithToken(_coordinatorToken).PostJsonAsync("/api/events", EventBuilder.Timed("Queue second"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var created = await response.JsonAsync();
        Assert.That(created.GetProperty("moderation").GetString(), Is.EqualTo("pending"));
        var second = created.GetProperty("id").GetString()!;

        var publicRead = await _app.Anonymous().GetAsync($"/api/events/{second}");
        var queue = (await (await _app.Moderator().GetAsync("/api/moderation/queue")).JsonAsync()).GetProperty("items")
            .EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(publicRead.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(queue, Does.Contain(first).And.Contain(second));
            Assert.That(queue.IndexOf(first), Is.LessThan(queue.IndexOf(second)));
        });
    }

    [Test]
    public async Task A_coordinator_cannot_approve_nor_edit_nor_cancel_another_coordinators_event()
    {
        var response = await _app.WithToken(_otherToken).PostJsonAsync("/api/events", EventBuilder.Timed("Someone else's"));
        var id = (await response.JsonAsync()).GetProperty("id").GetString();
        var before = await _app.SnapshotAsync();
        var coordinator = _app.WithToken(_coordinatorToken);
        var approve = await coordinator.PostAsync($"/api/moderation/{id}/approve", null);
        var put = await coordinator.PutAsJsonAsync($"/api/events/{id}", EventBuilder.Timed("Hijacked"));
        var cancel = await coordinator.PostAsync($"/api/events/{id}/cancel", null);
        var ownPut = await _app.WithToken(_otherToken).PutAsJsonAsync($"/api/events/{id}", EventBuilder.Timed("Own edit"));
        Assert.Multiple(() =>
        {
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(ownPut.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
        Assert.That(await _app.SnapshotAsync(), Is.Not.EqualTo(before)); // only the owner's edit went through
    }

    [Test]
    public async Task A_coordinator_sees_the_contact_email_of_their_own_events_only()
    {
        var others = await _app.WithToken(_otherToken).PostJsonAsync("/api/events",
            EventBuilder.Timed("Other's with contact").With("contactEmail", "secret@example.org"));
        var othersId = (await others.JsonAsync()).GetProperty("id").GetString();
        var published = await _app.Moderator().PostJsonAsync("/api/events", EventBuilder.Timed("Published with contact").With("contactEmail", "mod@example.org"));
        var publishedId = (await published.JsonAsync()).GetProperty("id").GetString();
        var own = await _app.WithToken(_coordinatorToken).PostJsonAsync("/api/events", EventBuilder.Timed("Own with contact").With("contactEmail", "me@example.org"));
        var ownId = (await own.JsonAsync()).GetProperty("id").GetString();
        await _app.Moderator().PostAsync($"/api/moderation/{othersId}/approve", null);

        var coordinator = _app.WithToken(_coordinatorToken);
        var seenOthers = await (await coordinator.GetAsync($"/api/events/{othersId}")).Content.ReadAsStringAsync();
        var seenPublished = await (await coordinator.GetAsync($"/api/events/{publishedId}")).Content.ReadAsStringAsync();
        var seenOwn = await (await coordinator.GetAsync($"/api/events/{ownId}")).JsonAsync();
        var list = await (await coordinator.GetAsync("/api/events?from=2030-01-01")).Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(seenOthers, Does.Contain("Other's with contact").And.Not.Contain("secret@example.org"));
            Assert.That(seenPublished, Does.Not.Contain("mod@example.org"));
            Assert.That(list, Does.Not.Contain("secret@example.org").And.Not.Contain("mod@example.org"));
            Assert.That(seenOwn.GetProperty("contactEmail").GetString(), Is.EqualTo("me@example.org"));
        });
    }

    [Test]
    public async Task Approving_publishes_the_event_and_records_who_did_it_and_a_second_review_is_a_conflict()
    {
        var id = await PendingAsync("To approve");
        var approve = await _app.Moderator().PostAsync($"/api/moderation/{id}/approve", null);
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var list = await (await _app.Anonymous().GetAsync("/api/events?from=2030-01-01&q=approve")).Content.ReadAsStringAsync();
        var again = await _app.Moderator().PostAsync($"/api/moderation/{id}/approve", null);
        var reject = await _app.Moderator().PostJsonAsync($"/api/moderation/{id}/reject", new { reason = "late" });
        var history = (await (await _app.Moderator().GetAsync($"/api/moderation/{id}/history")).JsonAsync()).EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(list, Does.Contain(id));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(reject.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(history.Select(h => h.GetProperty("action").GetString()), Is.EqualTo(new[] { "submitted", "approved" }));
            Assert.That(history[1].GetProperty("actor").GetString(), Is.EqualTo("bootstrap administrator"));
        });
    }

    [Test]
    public async Task Rejecting_needs_a_reason_which_the_submitter_then_sees_and_the_event_stays_private()
    {
        var submitted = await (await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed("To reject"))).JsonAsync();
        var id = submitted.GetProperty("id").GetString();
        var before = await _app.SnapshotAsync();
        var noReason = await _app.Moderator().PostJsonAsync($"/api/moderation/{id}/reject", new { reason = "  " });
        Assert.That(noReason.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await noReason.JsonAsync()).GetProperty("errors").TryGetProperty("reason", out _), Is.True);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));

        var reject = await _app.Moderator().PostJsonAsync($"/api/moderation/{id}/reject", new { reason = "Not related to trafficking." });
        Assert.That(reject.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var statusPath = new Uri(submitted.GetProperty("statusUrl").GetString()!).AbsolutePath;
        var status = await (await _app.Anonymous().GetAsync("/api" + statusPath)).JsonAsync();
        var page = await (await _app.Anonymous().GetAsync(statusPath)).Content.ReadAsStringAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(status.GetProperty("moderation").GetString(), Is.EqualTo("rejected"));
            Assert.That(status.GetProperty("rejectionReason").GetString(), Is.EqualTo("Not related to trafficking."));
            Assert.That(page, Does.Contain("Not related to trafficking."));
            Assert.That((await _app.Anonymous().GetAsync($"/api/events/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task A_revoked_token_stops_working_at_once_and_tokens_are_stored_only_as_digests()
    {
        var account = await Forms.CreateAccountAsync(_app, "revoked@example.org", "coordinator");
        var (tokenId, token) = await Forms.CreateTokenAsync(_app, account, "to revoke");
        var client = _app.WithToken(token);
        Assert.That((await client.PostJsonAsync("/api/events", EventBuilder.Timed("Before revoke"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var listed = (await (await _app.Moderator().GetAsync("/api/admin/tokens")).JsonAsync()).EnumerateArray()
            .Single(t => t.GetProperty("id").GetGuid() == tokenId);
        Assert.That(listed.GetProperty("lastUsedAt").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.String));
        Assert.That(listed.ToString(), Does.Not.Contain(token));

        Assert.That((await _app.Moderator().DeleteAsync($"/api/admin/tokens/{tokenId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var after = await client.PostJsonAsync("/api/events", EventBuilder.Timed("After revoke"));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        await using var connection = await _app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("select count(*) from api_tokens where encode(token_hash, 'escape') like '%' || @t || '%'", connection);
        command.Parameters.AddWithValue("t", token);
        Assert.That((long)(await command.ExecuteScalarAsync())!, Is.Zero);
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_account_so_that_even_the_right_one_is_refused()
    {
        await Forms.CreateAccountAsync(_app, "locked@example.org", "coordinator", Password);
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/login");
        for (var i = 0; i < 5; i++)
        {
            var wrong = await Forms.PostAsync(client, "/login", token, ("email", "Locked@Example.org"), ("password", "wrong password " + i));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            token = Forms.TokenIn(await wrong.Content.ReadAsStringAsync());
        }
        var right = await Forms.PostAsync(client, "/login", token, ("email", "locked@example.org"), ("password", Password));
        var html = await right.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(html, Does.Contain("this account is locked until"));
            Assert.That(right.Headers.Contains("Set-Cookie") && right.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("calendar.signin=")), Is.False);
        });
    }

    [Test]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var client = _app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/login");
        var wrong = await (await Forms.PostAsync(client, "/login", token, ("email", "coordinator@example.org"), ("password", "not the password"))).Content.ReadAsStringAsync();
        var unknown = await (await Forms.PostAsync(client, "/login", Forms.TokenIn(wrong), ("email", "nobody@example.org"), ("password", "not the password"))).Content.ReadAsStringAsync();
        Assert.That(wrong, Does.Contain("The e-mail address or the password is not right."));
        Assert.That(unknown, Does.Contain("The e-mail address or the password is not right."));
    }

    [Test]
    public async Task The_admin_pages_send_anonymous_visitors_to_sign_in_and_keep_coordinators_to_their_own_events()
    {
        var anonymous = await _app.Anonymous().GetAsync("/admin");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(anonymous.Headers.Location!.ToString(), Does.Contain("/login?returnUrl=%2Fadmin"));

        var others = await _app.WithToken(_otherToken).PostJsonAsync("/api/events", EventBuilder.Timed("Other's private").With("contactEmail", "hidden@example.org"));
        var othersId = (await others.JsonAsync()).GetProperty("id").GetString();
        var own = await _app.WithToken(_coordinatorToken).PostJsonAsync("/api/events", EventBuilder.Timed("Mine in admin"));
        var ownId = (await own.JsonAsync()).GetProperty("id").GetString();

        var coordinator = await Forms.SignedInAsync(_app, "coordinator@example.org", Password);
        var home = await (await coordinator.GetAsync("/admin")).Content.ReadAsStringAsync();
        var othersPage = await coordinator.GetAsync($"/admin/events/{othersId}");
        var ownPage = await coordinator.GetAsync($"/admin/events/{ownId}");
        var accounts = await coordinator.GetAsync("/admin/accounts");
        var approve = await Forms.PostAsync(coordinator, $"/admin/events/{ownId}/approve", Forms.TokenIn(home));
        Assert.Multiple(async () =>
        {
            Assert.That(home, Does.Contain("My events").And.Contain("Mine in admin").And.Not.Contain("Other's private"));
            Assert.That(othersPage.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await othersPage.Content.ReadAsStringAsync(), Does.Not.Contain("hidden@example.org"));
            Assert.That(ownPage.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await ownPage.Content.ReadAsStringAsync(), Does.Not.Contain("Approve and publish"));
            Assert.That(accounts.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(accounts.Headers.Location!.ToString(), Does.Contain("/admin/denied"));
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That((await _app.Anonymous().GetAsync($"/api/events/{ownId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    /// <summary>Signs in without a cookie container and returns the cookies as one Cookie header.</summary>
    internal static async Task<string> CookieHeaderAsync(CalendarApp app, string email)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/login");
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = Password, ["__RequestVerificationToken"] = Forms.TokenIn(await page.Content.ReadAsStringAsync()),
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", antiforgeryCookie));
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        return string.Join("; ", antiforgeryCookie.Concat(response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
    }

    private async Task<string> PendingAsync(string title)
    {
        var response = await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed(title));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }
}

public sealed class CrossInstanceTests
{
    [Test]
    public async Task A_moderator_signed_in_on_one_instance_acts_on_another_and_the_action_is_logged()
    {
        // Disposing the second instance drops the shared database, so this test has an app of its own.
        await using var app = await CalendarApp.StartAsync();
        await Forms.CreateAccountAsync(app, "moderator@example.org", "moderator", ModerationTests.Password);
        var submitted = await app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed("Approved across instances"));
        var id = (await submitted.JsonAsync()).GetProperty("id").GetString();
        var signedIn = await Forms.SignedInAsync(app, "moderator@example.org", ModerationTests.Password);
        var queue = await (await signedIn.GetAsync("/admin")).Content.ReadAsStringAsync();
        Assert.That(queue, Does.Contain("Approved across instances"));

        // The cookie and the antiforgery token were made by the first instance; the key ring lives in the database.
        await using var second = app.AnotherInstance();
        var other = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cookieHeader = await ModerationTests.CookieHeaderAsync(app, "moderator@example.org");
        other.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        var page = await other.GetAsync($"/admin/events/{id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var approve = await Forms.PostAsync(other, $"/admin/events/{id}/approve", Forms.TokenIn(html));
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));

        var history = await (await signedIn.GetAsync($"/admin/events/{id}")).Content.ReadAsStringAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(history, Does.Contain("moderator@example.org</td><td>approved"));
            Assert.That((await app.Anonymous().GetAsync($"/api/events/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
