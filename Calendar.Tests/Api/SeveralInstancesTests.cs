using System.Net;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Api;

/// <summary>Two instances on one database, as behind a load balancer: limits and lockouts count once, not per instance.</summary>
public sealed class SharedLimitsTests
{
    private const string Password = "correct horse battery staple";

    [Test]
    public async Task The_submission_limit_counts_submissions_made_on_either_instance()
    {
        await using var first = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:Limits:SubmissionsPerHour"] = "3" });
        await using var second = first.AnotherInstance(new Dictionary<string, string?> { ["Calendar:Limits:SubmissionsPerHour"] = "3" });
        var a = first.Anonymous();
        var b = second.Anonymous();

        var allowed = new[]
        {
            (await a.PostJsonAsync("/api/submissions", EventBuilder.Timed("First on A"))).StatusCode,
            (await b.PostJsonAsync("/api/submissions", EventBuilder.Timed("Second on B"))).StatusCode,
            (await a.PostJsonAsync("/api/submissions", EventBuilder.Timed("Third on A"))).StatusCode,
        };
        var before = await first.SnapshotAsync();
        var fourthOnB = await b.PostJsonAsync("/api/submissions", EventBuilder.Timed("Fourth on B"));
        var token = await Forms.TokenFromAsync(a, "/submit");
        var fifthOnA = await Forms.PostAsync(a, "/submit", token, Forms.ValidEvent("Fifth, by form on A"));

        Assert.Multiple(async () =>
        {
            Assert.That(allowed, Is.All.EqualTo(HttpStatusCode.Created));
            Assert.That(fourthOnB.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(fourthOnB.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(fourthOnB.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromHours(1)));
            Assert.That(fifthOnA.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await first.SnapshotAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task The_sign_in_limit_counts_attempts_made_on_either_instance()
    {
        var settings = new Dictionary<string, string?> { ["Calendar:Limits:LoginsPerFiveMinutes"] = "2" };
        await using var first = await CalendarApp.StartAsync(settings);
        await using var second = first.AnotherInstance(settings);

        var onA = await WrongSignInAsync(first);
        var onB = await WrongSignInAsync(second);
        var againOnA = await WrongSignInAsync(first);

        Assert.That(new[] { onA, onB, againOnA },
            Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task A_new_window_allows_submissions_again()
    {
        await using var app = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:Limits:SubmissionsPerHour"] = "1" });
        var client = app.Anonymous();
        Assert.That((await client.PostJsonAsync("/api/submissions", EventBuilder.Timed("Allowed"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await client.PostJsonAsync("/api/submissions", EventBuilder.Timed("Refused"))).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));

        // An hour passes: the counter's window lies in the past.
        await using (var connection = await app.OpenDatabaseAsync())
        await using (var command = new NpgsqlCommand("update rate_limit_counters set window_start = window_start - interval '1 hour'", connection))
            Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));

        Assert.That((await client.PostJsonAsync("/api/submissions", EventBuilder.Timed("Allowed again"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Wrong_passwords_on_both_instances_lock_the_account_on_both()
    {
        await using var first = await CalendarApp.StartAsync();
        await using var second = first.AnotherInstance();
        await Forms.CreateAccountAsync(first, "shared-lock@example.org", "coordinator", Password);

        for (var i = 0; i < 5; i++)
            Assert.That(await WrongSignInAsync(i % 2 == 0 ? first : second, "shared-lock@example.org"), Is.EqualTo(HttpStatusCode.BadRequest));

        var client = second.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/login");
        var right = await Forms.PostAsync(client, "/login", token, ("email", "shared-lock@example.org"), ("password", Password));
        Assert.Multiple(async () =>
        {
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await right.Content.ReadAsStringAsync(), Does.Contain("this account is locked until"));
        });
    }

    private static async Task<HttpStatusCode> WrongSignInAsync(CalendarApp app, string email = "nobody@example.org")
    {
        var client = app.Anonymous();
        var token = await Forms.TokenFromAsync(client, "/login");
        return (await Forms.PostAsync(client, "/login", token, ("email", email), ("password", "wrong password!!"))).StatusCode;
    }
}
