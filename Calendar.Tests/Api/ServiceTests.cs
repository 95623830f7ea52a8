using System.Net;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Calendar.Tests.Api;

/// <summary>Facets, visibility of unpublished events, health, OpenAPI and CORS.</summary>
public sealed class ServiceTests : AppFixture
{

    [Test]
    public async Task Facets_count_tags_and_organizers_of_published_events_only()
    {
        var moderator = App.Moderator();
        await moderator.PostJsonAsync("/api/events", EventBuilder.AllDay("Facet A", "2030-01-01").With("tags", new[] { "facet-x", "facet-y" })
            .With("organizers", new[] { "Facet Org" }));
        await moderator.PostJsonAsync("/api/events", EventBuilder.AllDay("Facet B", "2030-01-02").With("tags", new[] { "facet-x" })
            .With("organizers", new[] { "Facet Org" }));
        await InsertPending("Pending facet", tags: ["facet-pending"]);

        var tags = await (await App.Anonymous().GetAsync("/api/tags")).JsonAsync();
        var counts = tags.GetProperty("items").EnumerateArray().ToDictionary(t => t.GetProperty("value").GetString()!, t => t.GetProperty("count").GetInt32());
        Assert.That(counts["facet-x"], Is.EqualTo(2));
        Assert.That(counts["facet-y"], Is.EqualTo(1));
        Assert.That(counts.ContainsKey("facet-pending"), Is.False);

        var organizers = await (await App.Anonymous().GetAsync("/api/organizers")).JsonAsync();
        Assert.That(organizers.GetProperty("items").EnumerateArray()
            .Single(o => o.GetProperty("value").GetString() == "Facet Org").GetProperty("count").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_pending_event_is_invisible_to_the_public_but_not_to_moderators()
    {
        var pending = await InsertPending("Secret pending", tags: ["secret-pending"]);
        Assert.That((await App.Anonymous().GetAsync($"/api/events/{pending.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var list = await (await App.Anonymous().GetAsync("/api/events?from=2030-01-01&to=2030-12-31&tag=secret-pending")).JsonAsync();
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.EqualTo(0));
        var asModerator = await App.Moderator().GetAsync($"/api/events/{pending.Id}");
        Assert.That(asModerator.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await asModerator.JsonAsync()).GetProperty("moderation").GetString(), Is.EqualTo("pending"));
    }

    [Test]
    public async Task Health_endpoints_answer_and_readiness_checks_the_database()
    {
        var client = App.Anonymous();
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await client.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Readiness_fails_when_the_database_is_unreachable()
    {
        await using var broken = App.AnotherInstance(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Calendar"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none;Timeout=2",
            ["Calendar:MigrateOnStart"] = "false",
        });
        var client = broken.CreateClient();
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }

    [Test]
    public async Task The_OpenAPI_document_describes_the_events_routes()
    {
        var doc = await (await App.Anonymous().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(paths, Is.SupersetOf(new[] { "/api/events", "/api/events/{id}", "/api/events/{id}/cancel", "/api/tags", "/api/organizers" }));
        Assert.That(doc.GetProperty("paths").GetProperty("/api/events").TryGetProperty("post", out var post), Is.True);
        Assert.That(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), Is.True);
    }

    [Test]
    public async Task Any_origin_may_read_the_public_API_but_not_write_it()
    {
        var client = App.Anonymous();
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        get.Headers.Add("Origin", "https://partner.example.org");
        var response = await client.SendAsync(get);
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/events");
        preflight.Headers.Add("Origin", "https://partner.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await client.SendAsync(preflight);
        Assert.That(answer.Headers.Contains("Access-Control-Allow-Methods") &&
                    answer.Headers.GetValues("Access-Control-Allow-Methods").Any(v => v.Contains("POST")), Is.False);
    }

    [Test]
    public async Task Responses_tell_browsers_not_to_sniff_content_types()
    {
        var response = await App.Anonymous().GetAsync("/api/events");
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
    }

    private async Task<Event> InsertPending(string title, string[] tags)
    {
        var store = App.Services.GetRequiredService<EventStore>();
        var input = EventDraft.Normalize(new EventInput
        {
            Title = title, Kind = "meeting", AllDay = true, StartsOn = "2030-03-03", Tags = [.. tags], Organizers = ["Someone"],
        });
        return await store.InsertAsync(EventDraft.From(input), "pending", null, CancellationToken.None);
    }
}
