using System.Net;
using System.Text;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Api;

/// <summary>SPEC: a JSON body with a repeated member name is refused like malformed JSON, on every JSON input.</summary>
public sealed class StrictJsonTests : AppFixture
{
    private HttpClient _moderator = null!;
    private string _eventId = "", _pendingId = "", _accountId = "";

    private const string EventBody = """
        {"title": "Webinar on duplicate names", "title": "Another title", "kind": "webinar", "allDay": false,
         "startsAt": "2031-05-06T14:00", "endsAt": "2031-05-06T15:30", "timeZone": "Europe/Brussels",
         "online": {"joinUrl": "https://meet.example.org/abc"}, "organizers": ["La Strada International"], "tags": ["policy"]}
        """;

    protected override async Task SeedAsync()
    {
        _moderator = App.Moderator();
        var created = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Strict JSON target"));
        _eventId = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var submitted = await App.Anonymous().PostJsonAsync("/api/submissions",
            EventBuilder.Timed("Strict JSON pending").With("contactEmail", "someone@example.org"));
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submitted.Content.ReadAsStringAsync());
        await using (var connection = await App.OpenDatabaseAsync())
        await using (var command = new NpgsqlCommand("select id::text from events where title = 'Strict JSON pending'", connection))
            _pendingId = (string)(await command.ExecuteScalarAsync())!;
        var account = await _moderator.PostJsonAsync("/api/admin/accounts",
            new { email = "strict.json@example.org", role = "coordinator", password = "a long enough password 123" });
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.Created), await account.Content.ReadAsStringAsync());
        _accountId = (await account.JsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>Everything a write could change: events, accounts, tokens, feeds and the audit log.</summary>
    private async Task<string> EverythingAsync()
    {
        await using var connection = await App.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("""
            select concat_ws('|',
              (select md5(coalesce(string_agg(e::text, ',' order by id), '')) from events e),
              (select md5(coalesce(string_agg(a::text, ',' order by id), '')) from accounts a),
              (select count(*) from api_tokens),
              (select md5(coalesce(string_agg(f::text, ',' order by slug), '')) from feeds f),
              (select count(*) from moderation_log))
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("POST", "/api/events", EventBody, "title").SetName("A repeated member in a new event is refused");
        yield return new TestCaseData("PUT", "/api/events/{event}", EventBody, "title").SetName("A repeated member in a replaced event is refused");
        yield return new TestCaseData("PUT", "/api/events/{event}",
            EventBody.Replace("\"title\": \"Another title\", ", "").Replace("\"joinUrl\": \"https://meet.example.org/abc\"",
                "\"joinUrl\": \"https://meet.example.org/abc\", \"joinUrl\": \"https://evil.example.org/\""),
            "online.joinUrl").SetName("A repeated member inside a nested object is refused");
        yield return new TestCaseData("POST", "/api/submissions", EventBody.Replace("\"kind\"", "\"contactEmail\": \"a@example.org\", \"kind\""), "title")
            .SetName("A repeated member in a submission is refused");
        yield return new TestCaseData("POST", "/api/moderation/{pending}/reject", """{"reason": "Spam", "reason": "Fine"}""", "reason")
            .SetName("A repeated member in a rejection is refused");
        yield return new TestCaseData("POST", "/api/admin/accounts",
            """{"email": "dup@example.org", "role": "coordinator", "role": "moderator", "password": "a long enough password 123"}""", "role")
            .SetName("A repeated member in a new account is refused");
        yield return new TestCaseData("POST", "/api/admin/accounts/{account}/tokens", """{"name": "a", "name": "b"}""", "name")
            .SetName("A repeated member in a new token is refused");
        yield return new TestCaseData("POST", "/api/feeds", """{"slug": "dup-feed", "title": "Dup", "filter": "kind=webinar", "filter": "kind=meeting"}""", "filter")
            .SetName("A repeated member in a new feed is refused");
        yield return new TestCaseData("PUT", "/api/feeds/webinars", """{"title": "Webinars", "title": "Other"}""", "title")
            .SetName("A repeated member in an edited feed is refused");
        yield return new TestCaseData("POST", "/api/events", EventBody.Replace("\"title\": \"Another title\"", "\"Title\": \"Another title\""), "Title")
            .SetName("A member repeated in another letter case is refused too");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Repeated_member(string method, string path, string body, string field)
    {
        var before = await EverythingAsync();
        var url = path.Replace("{event}", _eventId).Replace("{pending}", _pendingId).Replace("{account}", _accountId);
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        var response = await _moderator.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Has.Some.EqualTo(field).IgnoreCase, text);
        Assert.That(text, Does.Contain("more than once"), "the message says what is wrong");
        Assert.That(await EverythingAsync(), Is.EqualTo(before), "nothing changed");
    }

    [Test]
    public async Task The_same_body_without_the_repeat_is_accepted()
    {
        var response = await _moderator.PostAsync("/api/events",
            new StringContent(EventBody.Replace("\"title\": \"Another title\", ", ""), Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
