using System.Net;
using Calendar.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Calendar.Tests.Import;

/// <summary>/api/sources: validation naming the field, who may call it, pause/resume/retire, and the scheduler.</summary>
public sealed class SourcesApiTests : ImportFixture
{
    private static Dictionary<string, object?> Body(string url, string name = "La Strada calendar") => new()
    {
        ["name"] = name, ["url"] = url, ["organizer"] = "La Strada International", ["kind"] = "webinar",
        ["tags"] = new[] { "la-strada" }, ["autoPublish"] = false, ["timeZone"] = "Europe/Amsterdam",
    };

    [Test]
    public async Task Invalid_sources_are_refused_with_a_problem_naming_each_field_and_nothing_is_stored()
    {
        using var client = _app.Moderator();
        var response = await client.PostJsonAsync("/api/sources", new Dictionary<string, object?>
        {
            ["name"] = "", ["url"] = "ftp://example.org/cal.ics", ["organizer"] = "Org", ["kind"] = "party",
            ["tags"] = new[] { "Bad Tag" }, ["timeZone"] = "Mars/Olympus",
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "name", "url", "kind", "tags[0]", "timeZone" }));

        var wrongType = await client.PostJsonAsync("/api/sources", new Dictionary<string, object?> { ["name"] = "x", ["autoPublish"] = "yes" });
        Assert.That(wrongType.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await wrongType.JsonAsync()).GetProperty("errors").TryGetProperty("autoPublish", out _), Is.True);

        var list = await (await client.GetAsync("/api/sources")).JsonAsync();
        Assert.That(list.EnumerateArray().Any(s => s.GetProperty("name").GetString() == ""), Is.False);
    }

    [Test]
    public async Task A_second_live_source_with_the_same_address_is_refused_naming_the_url()
    {
        using var client = _app.Moderator();
        var url = _server.Url("/same.ics");
        Assert.That((await client.PostJsonAsync("/api/sources", Body(url))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var again = await client.PostJsonAsync("/api/sources", Body(url.ToUpperInvariant().Replace("HTTP://", "http://"), "Copy"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await again.JsonAsync()).GetProperty("errors").GetProperty("url")[0].GetString(), Does.Contain("La Strada calendar"));
    }

    [Test]
    public async Task Only_moderators_may_use_sources()
    {
        using var anonymous = _app.Anonymous();
        Assert.That((await anonymous.GetAsync("/api/sources")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await anonymous.PostJsonAsync("/api/sources", Body(_server.Url("/anon.ics")))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_source_is_paused_resumed_edited_and_retired_but_never_deleted()
    {
        using var client = _app.Moderator();
        var created = await (await client.PostJsonAsync("/api/sources", Body(_server.Url("/states.ics"), "States"))).JsonAsync();
        var id = created.GetProperty("id").GetString();
        Assert.That(created.GetProperty("state").GetString(), Is.EqualTo("active"));
        Assert.That((await (await client.PostAsync($"/api/sources/{id}/pause", null)).JsonAsync()).GetProperty("state").GetString(), Is.EqualTo("paused"));
        Assert.That((await (await client.PostAsync($"/api/sources/{id}/resume", null)).JsonAsync()).GetProperty("state").GetString(), Is.EqualTo("active"));

        var edit = Body(_server.Url("/states-moved.ics"), "States renamed");
        edit["kind"] = "conference";
        var put = await client.PutAsync($"/api/sources/{id}", System.Net.Http.Json.JsonContent.Create(edit));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var shown = await (await client.GetAsync($"/api/sources/{id}")).JsonAsync();
        Assert.That((shown.GetProperty("name").GetString(), shown.GetProperty("kind").GetString(), shown.GetProperty("url").GetString()),
            Is.EqualTo(("States renamed", "conference", _server.Url("/states-moved.ics"))));

        Assert.That((await (await client.PostAsync($"/api/sources/{id}/retire", null)).JsonAsync()).GetProperty("state").GetString(), Is.EqualTo("retired"));
        Assert.That((await client.PostAsync($"/api/sources/{id}/resume", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await client.PostAsync($"/api/sources/{id}/run", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await client.GetAsync($"/api/sources/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a retired source stays");
        Assert.That((await client.DeleteAsync($"/api/sources/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That((await client.GetAsync($"/api/sources/{Guid.NewGuid()}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_webcal_address_is_stored_as_https()
    {
        using var client = _app.Moderator();
        var created = await (await client.PostJsonAsync("/api/sources", Body("webcal://calendar.example.org/partner.ics", "Webcal"))).JsonAsync();
        Assert.That(created.GetProperty("url").GetString(), Is.EqualTo("https://calendar.example.org/partner.ics"));
    }

    [Test]
    public async Task With_two_instances_scheduling_each_source_is_fetched_by_one_instance_at_a_time_and_every_run_is_recorded()
    {
        // Its own database and feed server: two instances with the scheduler on, a feed that answers slowly.
        await using var server = await FeedServer.StartAsync();
        var scheduled = new Dictionary<string, string?>
        {
            ["Calendar:Import:Enabled"] = "true", ["Calendar:Import:AllowPrivateNetworks"] = "true",
            ["Calendar:Import:Interval"] = "00:00:01", ["Calendar:Import:PollInterval"] = "00:00:00.200",
        };
        await using var first = await CalendarApp.StartAsync(scheduled);
        await using var second = first.AnotherInstance(scheduled);
        server.Handle("/slow.ics", async c =>
        {
            await Task.Delay(700);
            await c.Response.WriteAsync(Ics.Calendar(Ics.Weekly("scheduled", 2)));
        });
        using var client = first.Moderator();
        var created = await (await client.PostJsonAsync("/api/sources", Body(server.Url("/slow.ics"), "Scheduled"))).JsonAsync();
        var id = created.GetProperty("id").GetString();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        System.Text.Json.JsonElement shown;
        do
        {
            await Task.Delay(500);
            shown = await (await client.GetAsync($"/api/sources/{id}")).JsonAsync();
        } while (shown.GetProperty("runs").EnumerateArray().Count(r => r.GetProperty("outcome").GetString() == "ok") < 3 && DateTime.UtcNow < deadline);

        var runs = shown.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("outcome").GetString() != "running").ToList();
        Assert.That(runs.Count(r => r.GetProperty("outcome").GetString() == "ok"), Is.GreaterThanOrEqualTo(3), shown.ToString());
        Assert.That(server.MaxConcurrent, Is.EqualTo(1), "never two fetches of the source at once");
        Assert.That(runs.Sum(r => r.GetProperty("created").GetInt32()), Is.EqualTo(2), "the events were created once");
        Assert.That(server.Requests.Count, Is.GreaterThanOrEqualTo(runs.Count), "each recorded run fetched the feed");
    }
}
