using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>PUT with ETag/If-Match, sequence, cancel, delete and who may do them.</summary>
public sealed class WritesTests : AppFixture
{
    private HttpClient _moderator = null!;

    protected override Task SeedAsync()
    {
        _moderator = App.Moderator();
        return Task.CompletedTask;
    }

    private async Task<(string Id, EntityTagHeaderValue ETag)> Create(Dictionary<string, object?> body)
    {
        var response = await _moderator.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return ((await response.JsonAsync()).GetProperty("id").GetString()!, response.Headers.ETag!);
    }

    private Task<HttpResponseMessage> Put(string id, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/events/{id}")
        {
            Content = JsonContent(body),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _moderator.SendAsync(request);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, CalendarApp.Json), System.Text.Encoding.UTF8, "application/json");

    [Test]
    public async Task Moving_an_event_raises_its_sequence_and_gives_a_new_ETag()
    {
        var body = EventBuilder.Timed("To be moved");
        var (id, etag) = await Create(body);
        var moved = body.With("startsAt", "2030-05-07T14:00").With("endsAt", "2030-05-07T15:00");
        var response = await Put(id, moved, etag.ToString());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        Assert.That(json.GetProperty("sequence").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("startsAtUtc").GetString(), Is.EqualTo("2030-05-07T12:00:00Z"));
        Assert.That(response.Headers.ETag, Is.Not.EqualTo(etag));
        Assert.That(DateTime.Parse(json.GetProperty("updatedAt").GetString()!), Is.GreaterThanOrEqualTo(DateTime.Parse(json.GetProperty("createdAt").GetString()!)));
    }

    [Test]
    public async Task A_change_subscribers_cannot_see_does_not_raise_the_sequence()
    {
        var body = EventBuilder.Timed("Contact changes");
        var (id, etag) = await Create(body);
        var response = await Put(id, body.With("contactEmail", "new@example.org"), etag.ToString());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.JsonAsync()).GetProperty("sequence").GetInt32(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_write_based_on_a_stale_ETag_is_412_and_loses_nothing()
    {
        var body = EventBuilder.Timed("Two editors");
        var (id, etag) = await Create(body);
        var first = await Put(id, body.With("title", "First editor wins"), etag.ToString());
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var before = await App.SnapshotAsync();
        var second = await Put(id, body.With("title", "Second editor overwrites"), etag.ToString());
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(second.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
        var current = await (await App.Anonymous().GetAsync($"/api/events/{id}")).JsonAsync();
        Assert.That(current.GetProperty("title").GetString(), Is.EqualTo("First editor wins"));
    }

    [TestCase("W/\"r1\"")]
    [TestCase("\"someone-elses-tag\"")]
    [TestCase("garbage")]
    public async Task An_If_Match_that_is_not_the_current_ETag_is_412(string ifMatch)
    {
        var body = EventBuilder.Timed("Bad precondition");
        var (id, _) = await Create(body);
        var response = await Put(id, body.With("title", "Changed"), ifMatch);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test]
    public async Task Concurrent_writers_with_the_same_ETag_cannot_both_win()
    {
        var body = EventBuilder.Timed("Race");
        var (id, etag) = await Create(body);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Put(id, body.With("title", $"Racer {i}"), etag.ToString())));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed), Is.EqualTo(7));
    }

    [Test]
    public async Task An_invalid_replacement_is_400_and_changes_nothing()
    {
        var (id, etag) = await Create(EventBuilder.Timed("Valid before"));
        var before = await App.SnapshotAsync();
        var response = await Put(id, EventBuilder.Timed("").With("timeZone", "Mars/Olympus"), etag.ToString());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Replacing_or_cancelling_an_unknown_event_is_404()
    {
        var unknown = Guid.NewGuid();
        Assert.That((await Put(unknown.ToString(), EventBuilder.Timed(), null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _moderator.PostAsync($"/api/events/{unknown}/cancel", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _moderator.DeleteAsync($"/api/events/{unknown}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await App.Anonymous().GetAsync($"/api/events/{unknown}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await App.Anonymous().GetAsync("/api/events/not-a-uuid")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Cancelling_keeps_the_event_listed_as_cancelled_with_a_raised_sequence_once()
    {
        var (id, _) = await Create(EventBuilder.AllDay("Called off", "2030-09-01").With("tags", new[] { "called-off" }));
        var first = await _moderator.PostAsync($"/api/events/{id}/cancel", null);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var again = await _moderator.PostAsync($"/api/events/{id}/cancel", null);
        var json = await again.JsonAsync();
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
        Assert.That(json.GetProperty("sequence").GetInt32(), Is.EqualTo(1), "cancelling twice is one change");

        var listed = await (await App.Anonymous().GetAsync("/api/events?from=2030-08-01&to=2030-09-30&tag=called-off")).JsonAsync();
        Assert.That(listed.GetProperty("items")[0].GetProperty("status").GetString(), Is.EqualTo("cancelled"));
    }

    [Test]
    public async Task Deleting_removes_the_event_everywhere()
    {
        var (id, _) = await Create(EventBuilder.AllDay("Spam", "2030-09-02").With("tags", new[] { "spam-test" }));
        Assert.That((await _moderator.DeleteAsync($"/api/events/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await App.Anonymous().GetAsync($"/api/events/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var listed = await (await App.Anonymous().GetAsync("/api/events?from=2030-08-01&to=2030-09-30&tag=spam-test")).JsonAsync();
        Assert.That(listed.GetProperty("items").GetArrayLength(), Is.EqualTo(0));
    }

    [Test]
    public async Task Every_write_route_refuses_anonymous_and_unknown_tokens_with_401()
    {
        var (id, _) = await Create(EventBuilder.Timed("Protected"));
        var before = await App.SnapshotAsync();
        foreach (var client in new[] { App.Anonymous(), App.WithToken("not-a-real-token"), WithBasicAuth() })
        {
            var responses = new[]
            {
                await client.PostJsonAsync("/api/events", EventBuilder.Timed()),
                await client.PutAsync($"/api/events/{id}", JsonContent(EventBuilder.Timed())),
                await client.PostAsync($"/api/events/{id}/cancel", null),
                await client.DeleteAsync($"/api/events/{id}"),
            };
            foreach (var response in responses)
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("Bearer"));
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            }
        }
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Public_reads_ignore_a_bad_token()
    {
        var (id, _) = await Create(EventBuilder.Timed("Readable"));
        Assert.That((await App.WithToken("wrong").GetAsync($"/api/events/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Moderators_see_the_contact_email_and_the_public_does_not()
    {
        var (id, _) = await Create(EventBuilder.Timed("With contact").With("contactEmail", "coordinator@example.org"));
        var asModerator = await (await _moderator.GetAsync($"/api/events/{id}")).JsonAsync();
        var asPublic = await (await App.Anonymous().GetAsync($"/api/events/{id}")).JsonAsync();
        var listed = await (await App.Anonymous().GetAsync("/api/events?from=2030-05-06&to=2030-05-06&limit=200")).Content.ReadAsStringAsync();
        Assert.That(asModerator.GetProperty("contactEmail").GetString(), Is.EqualTo("coordinator@example.org"));
        Assert.That(asPublic.TryGetProperty("contactEmail", out _), Is.False);
        Assert.That(listed, Does.Not.Contain("coordinator@example.org"));
    }

    private HttpClient WithBasicAuth()
    {
        var client = App.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
        return client;
    }
}
