using System.Net;
using System.Net.Http.Headers;
using Calendar.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Calendar.Tests.Api;

/// <summary>GET /api/events from memory per (data version, query): ETag and 304, and never a page that time has
/// made wrong. The service's clock is set by the test, so "now" is whatever the test says.</summary>
public sealed class ListCacheTests : AppFixture
{
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly SettableClock _clock = new(new DateTimeOffset(2032, 3, 10, 9, 0, 0, TimeSpan.Zero));
    private WebApplicationFactory<Program> _app = null!;

    protected override Task SeedAsync()
    {
        _app = App.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock)));
        return Task.CompletedTask;
    }

    [OneTimeTearDown]
    public async Task StopClockApp() => await _app.DisposeAsync();

    private HttpClient Client(bool moderator = false)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (moderator) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CalendarApp.ModeratorToken);
        return client;
    }

    private async Task Create(Dictionary<string, object?> body)
    {
        var response = await Client(moderator: true).PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    private static async Task<string[]> Titles(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("title").GetString()} {i.GetProperty("startsAt").GetString()}").ToArray();
    }

    private async Task<HttpResponseMessage> Get(string url, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await Client().SendAsync(request);
    }

    [Test]
    public async Task A_repeated_list_has_an_ETag_and_answers_304_until_the_data_changes()
    {
        await Create(EventBuilder.Timed("Etag webinar one", "2032-05-03T10:00", "2032-05-03T11:00").With("tags", new[] { "etag-list" }));
        const string url = "/api/events?from=2032-05-01&tag=etag-list";

        var first = await Get(url);
        var etag = first.Headers.ETag?.ToString();
        Assert.That(etag, Does.Match("^\"[^\"]+\"$"), "a strong ETag");
        Assert.That(await Titles(first), Has.Length.EqualTo(1));

        var again = await Get(url, etag);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(again.Headers.ETag?.ToString(), Is.EqualTo(etag));
        Assert.That(await again.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That((await Get(url, $"W/{etag}")).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), "a weak comparison matches");
        Assert.That((await Get(url, "\"something-else\"")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using (var other = App.AnotherInstance())
        {
            var fromOther = await other.CreateClient().GetAsync(url);
            Assert.That(fromOther.Headers.ETag?.ToString(), Is.EqualTo(etag), "every instance gives the same page the same ETag");
        }

        await Create(EventBuilder.Timed("Etag webinar two", "2032-05-04T10:00", "2032-05-04T11:00").With("tags", new[] { "etag-list" }));
        var changed = await Get(url, etag);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a write changes the page");
        Assert.That(changed.Headers.ETag?.ToString(), Is.Not.EqualTo(etag));
        Assert.That(await Titles(changed), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task A_repeated_list_comes_from_memory_while_the_data_version_is_unchanged()
    {
        await Create(EventBuilder.Timed("Memory webinar", "2032-06-03T10:00", "2032-06-03T11:00").With("tags", new[] { "memory-list" }));
        const string url = "/api/events?from=2032-06-01&tag=memory-list";
        Assert.That(await Titles(await Get(url)), Has.Length.EqualTo(1));

        // A row written behind the service's back (triggers off, so the version does not move) stays unseen:
        // the page came from memory. This is what a write through the service never does.
        await using (var connection = await App.OpenDatabaseAsync())
        await using (var command = new NpgsqlCommand("""
            set session_replication_role = replica;
            insert into events (id, title, kind, all_day, starts_local, ends_local, time_zone, starts_at, ends_at, tags, published_at)
            values (gen_random_uuid(), 'Hidden webinar', 'webinar', false, '2032-06-04 10:00', '2032-06-04 11:00', 'Europe/Brussels',
                    '2032-06-04 08:00Z', '2032-06-04 09:00Z', '{memory-list}', now());
            """, connection))
            await command.ExecuteNonQueryAsync();

        Assert.That(await Titles(await Get(url)), Has.Length.EqualTo(1));
        Assert.That(await Titles(await Get(url + "&limit=10")), Has.Length.EqualTo(2), "another query reads the database");
    }

    [Test]
    public async Task A_cached_page_that_starts_now_never_serves_an_occurrence_that_has_ended_since()
    {
        // London is on UTC in March 2032 (summer time starts on the 28th). The clock says 2032-03-10 09:00Z.
        await Create(EventBuilder.Timed("Ending weekly", "2032-03-03T08:00", "2032-03-03T10:00", "Europe/London")
            .With("recurrence", "FREQ=WEEKLY;COUNT=3").With("tags", new[] { "ending" }));
        await Create(EventBuilder.Timed("Ending one-off", "2032-03-10T09:30", "2032-03-10T10:30", "Europe/London").With("tags", new[] { "ending" }));
        await Create(EventBuilder.Timed("Ending later", "2032-03-12T09:00", "2032-03-12T10:00", "Europe/London").With("tags", new[] { "ending" }));
        const string url = "/api/events?tag=ending&limit=2";

        var atNine = await Get(url);
        Assert.That(await Titles(atNine), Is.EqualTo(new[] { "Ending weekly 2032-03-10T08:00:00", "Ending one-off 2032-03-10T09:30:00" }));
        var etag = atNine.Headers.ETag?.ToString();
        _clock.Now = new DateTimeOffset(2032, 3, 10, 9, 59, 59, TimeSpan.Zero);
        Assert.That((await Get(url, etag)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), "nothing has ended yet");

        _clock.Now = new DateTimeOffset(2032, 3, 10, 10, 0, 0, TimeSpan.Zero);
        var atTen = await Get(url, etag);
        Assert.That(atTen.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the weekly occurrence ended at 10:00");
        Assert.That(await Titles(atTen), Is.EqualTo(new[] { "Ending one-off 2032-03-10T09:30:00", "Ending later 2032-03-12T09:00:00" }));

        _clock.Now = new DateTimeOffset(2032, 3, 10, 10, 30, 0, TimeSpan.Zero);
        Assert.That(await Titles(await Get(url)), Is.EqualTo(new[] { "Ending later 2032-03-12T09:00:00", "Ending weekly 2032-03-17T08:00:00" }));

        _clock.Now = new DateTimeOffset(2032, 3, 17, 10, 0, 0, TimeSpan.Zero);
        Assert.That(await Titles(await Get(url)), Is.Empty, "every occurrence has ended");
    }
}
