using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Calendar.Tests.Support;

/// <summary>HTML form posts as a browser sends them: the page is read first for its antiforgery token (the client
/// keeps the antiforgery cookie), then the fields are posted url-encoded.</summary>
public static partial class Forms
{
    public static async Task<string> TokenFromAsync(HttpClient client, string pageUrl)
    {
        var page = await client.GetAsync(pageUrl);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {pageUrl}");
        return TokenIn(await page.Content.ReadAsStringAsync());
    }

    public static string TokenIn(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.That(match.Success, Is.True, "the page has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string? token, params (string Name, string Value)[] fields)
    {
        var all = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null) all.Add(new("__RequestVerificationToken", token));
        return client.PostAsync(url, new FormUrlEncodedContent(all));
    }

    /// <summary>A valid timed event as the submission form's fields.</summary>
    public static (string, string)[] ValidEvent(string title) =>
    [
        ("title", title), ("kind", "webinar"), ("description", "Line one\nLine two"), ("timing", "timed"),
        ("startsAt", "2030-03-04T10:00"), ("endsAt", "2030-03-04T11:30"), ("timeZone", "Europe/Vienna"), ("repeat", "none"),
        ("joinUrl", "https://meet.example.org/x"), ("organizers", "La Strada International\nKOK"), ("newTags", "labour-exploitation, migration"),
        ("contactEmail", "coordinator@example.org"), ("website", ""),
    ];

    /// <summary>Creates an account through the admin API (bootstrap moderator token) and returns its id.</summary>
    public static async Task<Guid> CreateAccountAsync(CalendarApp app, string email, string role, string? password = null)
    {
        var response = await app.Moderator().PostJsonAsync("/api/admin/accounts", new { email, role, password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    public static async Task<(Guid Id, string Token)> CreateTokenAsync(CalendarApp app, Guid accountId, string name = "test")
    {
        var response = await app.Moderator().PostJsonAsync($"/api/admin/accounts/{accountId}/tokens", new { name });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        return (json.GetProperty("id").GetGuid(), json.GetProperty("token").GetString()!);
    }

    /// <summary>A client signed in through the login form (cookie).</summary>
    public static async Task<HttpClient> SignedInAsync(CalendarApp app, string email, string password)
    {
        var client = app.Anonymous();
        var token = await TokenFromAsync(client, "/login");
        var response = await PostAsync(client, "/login", token, ("email", email), ("password", password), ("returnUrl", "/admin"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
