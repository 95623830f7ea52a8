using System.Net;
using System.Text.Json;

namespace Calendar.Tests.Support;

/// <summary>
/// A fixture for importing partners' feeds: a loopback <see cref="FeedServer"/>, the app on its own database with
/// Calendar:Import:AllowPrivateNetworks=true (plus <see cref="ExtraSettings"/>), and a moderator client; started once
/// for the fixture's tests and dropped after them. The field names are the ones the tests always used.
/// </summary>
public abstract class ImportFixture
{
    protected CalendarApp _app = null!;
    protected FeedServer _server = null!;
    protected HttpClient _moderator = null!;

    /// <summary>Settings on top of AllowPrivateNetworks=true (e.g. a shorter fetch timeout).</summary>
    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    [OneTimeSetUp]
    public async Task StartFeedServerAndApp()
    {
        _server = await FeedServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Calendar:Import:AllowPrivateNetworks"] = "true" };
        foreach (var (key, value) in ExtraSettings) settings[key] = value;
        _app = await CalendarApp.StartAsync(settings);
        _moderator = _app.Moderator();
    }

    [OneTimeTearDown]
    public async Task StopFeedServerAndApp()
    {
        _moderator.Dispose();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>POSTs the source to /api/sources as the moderator, expects 201 and returns its id.</summary>
    protected async Task<string> CreateSourceAsync(IDictionary<string, object?> body)
    {
        var response = await _moderator.PostJsonAsync("/api/sources", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>Runs the source now (optionally accepting a held run's removals), expects 200 and returns the run report.</summary>
    protected async Task<JsonElement> RunAsync(string id, bool acceptRemovals = false)
    {
        var response = await _moderator.PostAsync($"/api/sources/{id}/run" + (acceptRemovals ? "?acceptRemovals=true" : ""), null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    protected static void AssertCounts(JsonElement report, string outcome, int created = 0, int updated = 0, int cancelled = 0, int unchanged = 0)
    {
        Assert.That(report.GetProperty("outcome").GetString(), Is.EqualTo(outcome), report.ToString());
        Assert.That(new[] { "created", "updated", "cancelled", "unchanged" }.Select(p => report.GetProperty(p).GetInt32()),
            Is.EqualTo(new[] { created, updated, cancelled, unchanged }), report.ToString());
    }
}
