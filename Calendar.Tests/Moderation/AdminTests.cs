using System.Diagnostics;
using System.Net;
using Calendar.Tests.Support;

namespace Calendar.Tests.Moderation;

public sealed class AdminTests
{
    private const string Password = "a password of some length";
    private CalendarApp _app = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:Limits:LoginsPerFiveMinutes"] = "1000" });
        await Forms.CreateAccountAsync(_app, "mod@example.org", "moderator", Password);
        await Forms.CreateAccountAsync(_app, "coord@example.org", "coordinator", Password);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    [Test]
    public async Task Edits_cancellations_and_deletions_through_the_API_are_recorded_with_who_did_them()
    {
        var moderator = _app.Moderator();
        var id = (await (await moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Audited"))).JsonAsync()).GetProperty("id").GetString();
        await moderator.PutAsync($"/api/events/{id}", System.Net.Http.Json.JsonContent.Create(EventBuilder.Timed("Audited, edited"), options: CalendarApp.Json));
        await moderator.PostAsync($"/api/events/{id}/cancel", null);
        await moderator.DeleteAsync($"/api/events/{id}");
        var history = (await (await moderator.GetAsync($"/api/moderation/{id}/history")).JsonAsync()).EnumerateArray().ToList();
        Assert.That(history.Select(h => h.GetProperty("action").GetString()), Is.EqualTo(new[] { "created", "edited", "cancelled", "deleted" }));
        Assert.That(history.Select(h => h.GetProperty("actor").GetString()).Distinct(), Is.EqualTo(new[] { "bootstrap administrator" }));
    }

    [Test]
    public async Task A_moderator_edits_an_event_through_the_form_and_the_edit_is_logged()
    {
        var id = (await (await _app.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.Timed("Before the edit"))).JsonAsync()).GetProperty("id").GetString();
        var client = await Forms.SignedInAsync(_app, "mod@example.org", Password);
        var edit = await (await client.GetAsync($"/admin/events/{id}/edit")).Content.ReadAsStringAsync();
        var revision = System.Text.RegularExpressions.Regex.Match(edit, "name=\"revision\" value=\"(\\d+)\"").Groups[1].Value;
        var fields = Forms.ValidEvent("After the edit").Append(("revision", revision)).Append(("status", "tentative")).ToArray();
        var saved = await Forms.PostAsync(client, $"/admin/events/{id}/edit", Forms.TokenIn(edit), fields);
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await saved.Content.ReadAsStringAsync());

        // A second save with the old revision is refused: someone (this form) changed it meanwhile.
        var stale = await Forms.PostAsync(client, $"/admin/events/{id}/edit", Forms.TokenIn(edit), fields);
        var page = await (await client.GetAsync($"/admin/events/{id}")).Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(page, Does.Contain("<h1>After the edit</h1>").And.Contain("tentative"));
            Assert.That(page, Does.Contain("mod@example.org</td><td>edited"));
        });
    }

    [Test]
    public async Task A_token_made_on_the_accounts_page_is_shown_once_and_then_works_until_revoked()
    {
        var client = await Forms.SignedInAsync(_app, "mod@example.org", Password);
        var page = await (await client.GetAsync("/admin/accounts")).Content.ReadAsStringAsync();
        var accountId = System.Text.RegularExpressions.Regex.Match(page,
            "<td>mod@example.org</td>.*?action=\"/admin/accounts/([0-9a-f-]{36})/tokens\"", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var created = await Forms.PostAsync(client, $"/admin/accounts/{accountId}/tokens", Forms.TokenIn(page), ("name", "partner site"));
        var html = await created.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "id=\"new-token\">(cal_[A-Za-z0-9_-]+)<").Groups[1].Value;
        Assert.That(token, Is.Not.Empty, html);
        Assert.That(created.Headers.CacheControl?.NoStore, Is.True);
        var later = await (await client.GetAsync("/admin/accounts")).Content.ReadAsStringAsync();
        Assert.That(later, Does.Not.Contain(token));
        Assert.That((await _app.WithToken(token).GetAsync("/api/moderation/queue")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var tokenId = System.Text.RegularExpressions.Regex.Match(later, "action=\"/admin/tokens/([0-9a-f-]{36})/revoke\"").Groups[1].Value;
        var revoke = await Forms.PostAsync(client, $"/admin/tokens/{tokenId}/revoke", Forms.TokenIn(later));
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That((await _app.WithToken(token).GetAsync("/api/moderation/queue")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_signed_in_coordinator_finds_their_form_submission_under_my_events()
    {
        var client = await Forms.SignedInAsync(_app, "coord@example.org", Password);
        var token = await Forms.TokenFromAsync(client, "/submit");
        var posted = await Forms.PostAsync(client, "/submit", token, Forms.ValidEvent("Coordinator own submission"));
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var mine = await (await client.GetAsync("/admin")).Content.ReadAsStringAsync();
        Assert.That(mine, Does.Contain("Coordinator own submission").And.Contain("pending"));
    }

    [Test]
    public async Task A_new_password_ends_the_sessions_signed_in_with_the_old_one()
    {
        await Forms.CreateAccountAsync(_app, "session@example.org", "coordinator", Password);
        var client = await Forms.SignedInAsync(_app, "session@example.org", Password);
        Assert.That((await client.GetAsync("/admin")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // What `set-password` does: a new password, hence a new session stamp.
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(_app.ConnectionString))
        {
            var store = new Calendar.Core.Data.AccountStore(dataSource, TimeProvider.System, new Calendar.Api.Hosting.IdentityPasswordHashing());
            var account = await store.FindByEmailAsync("session@example.org", CancellationToken.None);
            Assert.That(await store.SetPasswordAsync(account!.Id, "another long password", CancellationToken.None), Is.True);
        }
        var after = await client.GetAsync("/admin");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(after.Headers.Location!.ToString(), Does.Contain("/login"));
    }

    [TestCase("AQAAAAIAAYagAAAAEAABAgMEBQYHCAkKCwwNDg/2U3/W3LgKyWxkEg7eS6Y4lc5E+cbwmA2lQa/u252Uew==", false, TestName = "A password hash stored today (Identity V3, PBKDF2-SHA512) still signs in")]
    [TestCase("AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+jX5osdgC59J/J+MdPpDvN37ossH801Gwe6EseI5jq8A==", true, TestName = "An older password hash (Identity V3, PBKDF2-SHA256) still signs in and is upgraded")]
    public async Task Stored_password_hashes_keep_verifying(string storedHash, bool upgraded)
    {
        // Hashes written outside this code (PBKDF2 of the password below, Identity's V3 layout), as a database holds them.
        const string password = "a password stored by an earlier version";
        var email = $"stored-{(upgraded ? "old" : "new")}@example.org";
        var id = await Forms.CreateAccountAsync(_app, email, "coordinator");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_app.ConnectionString);
        await using (var set = dataSource.CreateCommand("update accounts set password_hash = $1 where id = $2"))
        {
            set.Parameters.AddWithValue(storedHash);
            set.Parameters.AddWithValue(id);
            await set.ExecuteNonQueryAsync();
        }
        var client = await Forms.SignedInAsync(_app, email, password);
        Assert.That((await client.GetAsync("/admin")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await using var read = dataSource.CreateCommand("select password_hash from accounts where id = $1");
        read.Parameters.AddWithValue(id);
        Assert.That((string?)await read.ExecuteScalarAsync() != storedHash, Is.EqualTo(upgraded));
    }

    [Test]
    public async Task The_create_moderator_command_makes_an_account_that_can_sign_in()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Calendar.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            ArgumentList = { dll, "create-moderator", "First.Moderator@example.org" },
            Environment = { ["ConnectionStrings__Calendar"] = _app.ConnectionString, ["Calendar__LoadSampleData"] = "false" },
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("first moderator password");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, output + errors);
        Assert.That(output, Does.Contain("Moderator first.moderator@example.org created"));
        Assert.That(output + errors, Does.Not.Contain("first moderator password"));

        var client = await Forms.SignedInAsync(_app, "first.moderator@example.org", "first moderator password");
        Assert.That(await (await client.GetAsync("/admin")).Content.ReadAsStringAsync(), Does.Contain("Review queue"));
    }

    [Test]
    public async Task The_OpenAPI_document_lists_the_submission_and_moderation_routes_but_not_the_pages()
    {
        var json = await (await _app.Anonymous().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.That(json, Does.Contain("\"/api/submissions\"").And.Contain("\"/api/moderation/queue\"")
            .And.Contain("\"/api/moderation/{id}/reject\"").And.Contain("\"/api/admin/tokens/{id}\""));
        Assert.That(json, Does.Not.Contain("\"/admin").And.Not.Contain("\"/submit\"").And.Not.Contain("\"/login\""));
    }
}
