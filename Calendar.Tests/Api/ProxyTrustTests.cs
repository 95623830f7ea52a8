using System.Net;
using System.Net.Http.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>X-Forwarded-For/-Proto over real loopback connections: believed only from the configured proxies.</summary>
public sealed class ProxyTrustTests
{
    private static async Task<(CalendarApp App, HttpClient Client)> StartAsync(string? knownProxies, string? frameworkSwitch = null)
    {
        var settings = new Dictionary<string, string?> { ["Calendar:Limits:SubmissionsPerHour"] = "1" };
        if (knownProxies is not null) settings["Calendar:KnownProxies"] = knownProxies;
        if (frameworkSwitch is not null) settings["ForwardedHeaders_Enabled"] = frameworkSwitch;
        var (app, baseAddress) = await CalendarApp.StartOnKestrelAsync(settings);
        return (app, new HttpClient { BaseAddress = baseAddress });
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string forwardedFor, string? proto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/submissions")
        {
            Content = JsonContent.Create(EventBuilder.Timed("Through a proxy"), options: CalendarApp.Json),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
        return client.SendAsync(request);
    }

    /// <summary>Starts an app with these proxy settings, then sends a submission that claims https from 203.0.113.1 and
    /// one that claims to come from 203.0.113.2 (the limit is one an hour per client). The app is stopped before the
    /// answers are returned; their bodies are buffered first.</summary>
    private static async Task<(HttpResponseMessage First, HttpResponseMessage PretendingToBeAnother)> SubmitAsTwoClientsAsync(
        string? knownProxies, string? frameworkSwitch = null)
    {
        var (app, client) = await StartAsync(knownProxies, frameworkSwitch);
        await using var _ = app;
        using var __ = client;
        var first = await SubmitAsync(client, "203.0.113.1", "https");
        var pretendingToBeAnother = await SubmitAsync(client, "203.0.113.2");
        await first.Content.LoadIntoBufferAsync();
        await pretendingToBeAnother.Content.LoadIntoBufferAsync();
        return (first, pretendingToBeAnother);
    }

    [Test]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_limit_and_scheme()
    {
        var (app, client) = await StartAsync("127.0.0.1");
        await using var _ = app;
        var first = await SubmitAsync(client, "203.0.113.1", "https");
        var otherClient = await SubmitAsync(client, "203.0.113.2");
        var firstAgain = await SubmitAsync(client, "203.0.113.1");
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.JsonAsync()).GetProperty("statusUrl").GetString(), Does.StartWith("https://"));
            Assert.That(otherClient.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await otherClient.JsonAsync()).GetProperty("statusUrl").GetString(), Does.StartWith("http://"));
            Assert.That(firstAgain.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        });
    }

    [Test]
    public async Task A_peer_that_is_not_a_known_proxy_cannot_choose_its_address_or_scheme()
    {
        var (first, pretendingToBeAnother) = await SubmitAsTwoClientsAsync("192.0.2.10, 10.0.0.0/8");
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.JsonAsync()).GetProperty("statusUrl").GetString(), Does.StartWith("http://127.0.0.1"));
            Assert.That(pretendingToBeAnother.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        });
    }

    [Test]
    public async Task Without_a_known_proxy_forwarded_headers_are_ignored()
    {
        var (first, pretendingToBeAnother) = await SubmitAsTwoClientsAsync(null);
        Assert.Multiple(async () =>
        {
            Assert.That((await first.JsonAsync()).GetProperty("statusUrl").GetString(), Does.StartWith("http://127.0.0.1"));
            Assert.That(pretendingToBeAnother.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        });
    }

    [Test]
    public async Task The_frameworks_switch_no_longer_trusts_every_peer()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true with proxies listed elsewhere: a loopback peer is not one of them.
        var (first, pretendingToBeAnother) = await SubmitAsTwoClientsAsync("192.0.2.10", frameworkSwitch: "true");
        Assert.Multiple(async () =>
        {
            Assert.That((await first.JsonAsync()).GetProperty("statusUrl").GetString(), Does.StartWith("http://127.0.0.1"));
            Assert.That(pretendingToBeAnother.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        });
    }

    [Test]
    public async Task An_invalid_known_proxies_setting_is_refused_at_start_by_name()
    {
        var error = Assert.CatchAsync(async () => await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:KnownProxies"] = "127.0.0.1, proxy.example.org" }));
        Assert.That(error!.ToString(), Does.Contain("Calendar__KnownProxies").And.Contain("proxy.example.org"));
    }
}
