using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

public sealed class EventsApiTests : AppFixture
{

    [Test]
    public async Task A_moderator_creates_an_event_that_anyone_can_then_read()
    {
        var response = await App.Moderator().PostJsonAsync("/api/events", EventBuilder.Timed("Created and read back"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var created = await response.JsonAsync();
        var id = created.GetProperty("id").GetString();
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/events/{id}"));

        var read = await App.Anonymous().GetAsync($"/api/events/{id}");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await read.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("Created and read back"));
            Assert.That(json.GetProperty("moderation").GetString(), Is.EqualTo("published"));
            Assert.That(json.GetProperty("startsAt").GetString(), Is.EqualTo("2030-05-06T14:00:00"));
            Assert.That(json.GetProperty("timeZone").GetString(), Is.EqualTo("Europe/Brussels"));
            // 14:00 in Brussels in May is CEST, UTC+2.
            Assert.That(json.GetProperty("startsAtUtc").GetString(), Is.EqualTo("2030-05-06T12:00:00Z"));
            Assert.That(json.GetProperty("sequence").GetInt32(), Is.EqualTo(0));
            Assert.That(json.TryGetProperty("contactEmail", out _), Is.False);
            Assert.That(read.Headers.ETag, Is.Not.Null);
        });
    }

    [Test]
    public async Task Writes_without_a_token_get_401_and_change_nothing()
    {
        var before = await App.SnapshotAsync();
        var response = await App.Anonymous().PostJsonAsync("/api/events", EventBuilder.Timed());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }
}
