using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Feeds;

/// <summary>Feeds as a subscriber's client sees them over time: changes, cancellations, deletions, several
/// service instances, the window, and the size limit. Each test has its own database.</summary>
public sealed class FeedLifecycleTests
{
    private CalendarApp _app = null!;

    [SetUp]
    public async Task Start() => _app = await CalendarApp.StartAsync();

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static string Soon(int days, string time) => DateTime.UtcNow.Date.AddDays(days).ToString("yyyy-MM-dd") + "T" + time;

    private async Task<Guid> CreateAsync(Dictionary<string, object?> body, HttpClient? client = null)
    {
        var response = await (client ?? _app.Moderator()).PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return Guid.Parse((await response.JsonAsync()).GetProperty("id").GetString()!);
    }

    private static async Task<(SeenCalendar Seen, HttpResponseMessage Response)> FetchAsync(HttpClient client, string url = "/feeds/events.ics")
    {
        var response = await client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await Parsers.BothAsync(await response.Content.ReadAsByteArrayAsync()), response);
    }

    /// <summary>Instances learn of a change from PostgreSQL's NOTIFY at commit, a few milliseconds after the
    /// writer's response; this waits for that (at most 3 s) instead of racing it.</summary>
    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Still not after 3 s: {what}");
            await Task.Delay(20);
        }
    }

    private static Task ChangedAsync(HttpClient client, EntityTagHeaderValue old, string url = "/feeds/events.ics") =>
        Eventually(async () => await RevalidateAsync(client, old, url) == HttpStatusCode.OK, $"{url} no longer matches {old}");

    private static async Task<HttpStatusCode> RevalidateAsync(HttpClient client, EntityTagHeaderValue etag, string url = "/feeds/events.ics")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Test]
    public async Task Create_move_and_cancel_reach_a_subscriber_as_one_event_updated_in_place()
    {
        var client = _app.Anonymous();
        var id = await CreateAsync(EventBuilder.Timed("Webinar on labour exploitation", Soon(20, "14:00"), Soon(20, "15:30")));
        var (created, first) = await FetchAsync(client);
        var seen = created.Event(id);
        Assert.That((seen.Sequence, seen.Status, seen.Summary), Is.EqualTo((0, "CONFIRMED", "Webinar on labour exploitation")));

        var moved = await _app.Moderator().PutAsJsonAsync($"/api/events/{id}",
            EventBuilder.Timed("Webinar on labour exploitation", Soon(21, "10:00"), Soon(21, "11:30")), CalendarApp.Json);
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ChangedAsync(client, first.Headers.ETag!);
        var (afterMove, second) = await FetchAsync(client);
        var movedSeen = afterMove.Event(id);
        Assert.That(afterMove.Events, Has.Count.EqualTo(1), "same UID: moved, not duplicated");
        Assert.That(movedSeen.Sequence, Is.GreaterThan(seen.Sequence));
        Assert.That(movedSeen.Start, Is.Not.EqualTo(seen.Start));
        Assert.That(second.Content.Headers.LastModified, Is.GreaterThanOrEqualTo(first.Content.Headers.LastModified!.Value));

        var cancel = await _app.Moderator().PostAsync($"/api/events/{id}/cancel", null);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ChangedAsync(client, second.Headers.ETag!);
        var (afterCancel, _) = await FetchAsync(client);
        var cancelled = afterCancel.Event(id);
        Assert.That(afterCancel.Events, Has.Count.EqualTo(1), "a cancelled event stays in the feed");
        Assert.That(cancelled.Status, Is.EqualTo("CANCELLED"));
        Assert.That(cancelled.Summary, Is.EqualTo("Cancelled: Webinar on labour exploitation"));
        Assert.That(cancelled.Sequence, Is.GreaterThan(movedSeen.Sequence));
        Assert.That(cancelled.Start, Is.EqualTo(movedSeen.Start));
    }

    [Test]
    public async Task Two_instances_agree_on_ETags_and_304s_after_a_write_through_either()
    {
        await using var other = _app.AnotherInstance();
        var a = _app.Anonymous();
        var b = other.Anonymous();
        await CreateAsync(EventBuilder.Timed("First", Soon(10, "09:00"), Soon(10, "10:00")));

        foreach (var writer in new[] { other.Moderator(), _app.Moderator() })
        {
            var fromA = await a.GetAsync("/feeds/events.ics");
            var fromB = await b.GetAsync("/feeds/events.ics");
            Assert.That(fromB.Headers.ETag, Is.EqualTo(fromA.Headers.ETag));
            Assert.That(fromB.Content.Headers.LastModified, Is.EqualTo(fromA.Content.Headers.LastModified));
            Assert.That(await fromB.Content.ReadAsByteArrayAsync(), Is.EqualTo(await fromA.Content.ReadAsByteArrayAsync()));
            Assert.That(await RevalidateAsync(b, fromA.Headers.ETag!), Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(await RevalidateAsync(a, fromB.Headers.ETag!), Is.EqualTo(HttpStatusCode.NotModified));

            await CreateAsync(EventBuilder.Timed("Another", Soon(12, "09:00"), Soon(12, "10:00")), writer);

            // Both had the old feed cached; neither may answer 304 or serve it once the change is known.
            await ChangedAsync(a, fromA.Headers.ETag!);
            await ChangedAsync(b, fromA.Headers.ETag!);
            var newA = await FetchAsync(a);
            var newB = await FetchAsync(b);
            Assert.That(newB.Response.Headers.ETag, Is.EqualTo(newA.Response.Headers.ETag));
            Assert.That(newA.Seen.Events.Select(e => e.Uid), Is.EquivalentTo(newB.Seen.Events.Select(e => e.Uid)));
            Assert.That(newA.Response.Content.Headers.LastModified, Is.GreaterThanOrEqualTo(fromA.Content.Headers.LastModified!.Value));
        }
    }

    [Test]
    public async Task Deleting_an_event_removes_it_and_Last_Modified_does_not_move_back()
    {
        var client = _app.Anonymous();
        var keep = await CreateAsync(EventBuilder.Timed("Keep", Soon(5, "09:00"), Soon(5, "10:00")));
        var spam = await CreateAsync(EventBuilder.Timed("Spam", Soon(6, "09:00"), Soon(6, "10:00")));
        var (_, before) = await FetchAsync(client);

        Assert.That((await _app.Moderator().DeleteAsync($"/api/events/{spam}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ChangedAsync(client, before.Headers.ETag!);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/events.ics");
        request.Headers.IfModifiedSince = before.Content.Headers.LastModified!.Value.AddSeconds(-1);
        Assert.That((await client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (after, response) = await FetchAsync(client);
        Assert.That(after.Events.Select(e => e.Uid), Is.EqualTo(new[] { keep.ToString("D") }));
        Assert.That(response.Content.Headers.LastModified, Is.GreaterThanOrEqualTo(before.Content.Headers.LastModified!.Value));
        Assert.That(response.Headers.ETag, Is.Not.EqualTo(before.Headers.ETag));
    }

    [Test]
    public async Task An_event_that_left_the_180_day_window_is_gone_and_Last_Modified_says_when_it_left()
    {
        var client = _app.Anonymous();
        var old = DateTime.UtcNow.Date.AddDays(-200);
        var id = await CreateAsync(EventBuilder.AllDay("Long past", old.ToString("yyyy-MM-dd")));
        var recent = await CreateAsync(EventBuilder.AllDay("Recent", DateTime.UtcNow.Date.AddDays(-20).ToString("yyyy-MM-dd")));

        // Pretend the writes happened long ago, so that only the window's exit can explain a recent Last-Modified.
        await using (var db = await _app.OpenDatabaseAsync())
        await using (var command = new NpgsqlCommand(
            "update calendar_version set changed_at = now() - interval '300 days'; select pg_notify('calendar_version', '')", db))
            await command.ExecuteNonQueryAsync();
        var leftAt = DateTime.SpecifyKind(old.AddDays(1 + 180), DateTimeKind.Utc);
        await Eventually(async () => (await client.GetAsync("/feeds/events.ics")).Content.Headers.LastModified!.Value.UtcDateTime == leftAt,
            "Last-Modified is the window exit");

        var (seen, response) = await FetchAsync(client);
        Assert.That(seen.Events.Select(e => e.Uid), Is.EqualTo(new[] { recent.ToString("D") }));
        Assert.That(response.Content.Headers.LastModified!.Value.UtcDateTime, Is.EqualTo(leftAt));

        var (all, _) = await FetchAsync(client, "/feeds/events.ics?from=2000-01-01");
        Assert.That(all.Events.Select(e => e.Uid), Is.EquivalentTo(new[] { id.ToString("D"), recent.ToString("D") }));
    }

    [Test]
    public async Task A_feed_of_many_long_non_Latin_descriptions_stays_under_1_MB_at_the_default_window()
    {
        var description = string.Concat(Enumerable.Repeat("Борьба с торговлей людьми: семинар для сотрудников НПО, стран ОБСЕ и партнёров. ", 130))[..10_000];
        var ids = new List<Guid>();
        for (var i = 0; i < 70; i++)
        {
            var body = EventBuilder.Timed($"Семинар о трудовой эксплуатации №{i}", Soon(i % 150 + 1, "10:00"), Soon(i % 150 + 1, "12:00"), "Europe/Kyiv")
                .With("description", description);
            ids.Add(await CreateAsync(body));
        }
        var response = await _app.Anonymous().GetAsync("/feeds/events.ics");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        TestContext.Out.WriteLine($"70 events with 10,000-character Cyrillic descriptions: {bytes.Length:N0} bytes");
        Assert.That(bytes.Length, Is.LessThan(1_000_000));
        var seen = await Parsers.BothAsync(bytes);
        Assert.That(seen.Events.Select(e => e.Uid), Is.EquivalentTo(ids.Select(id => id.ToString("D"))));
    }

    [Test]
    public async Task Moderators_define_named_feeds_that_are_retired_but_never_deleted()
    {
        var anonymous = _app.Anonymous();
        var moderator = _app.Moderator();
        var body = new Dictionary<string, object?>
        {
            ["slug"] = "migration-webinars", ["title"] = "Anti-trafficking events — migration webinars",
            ["description"] = "Webinars about migration.", ["filter"] = "?tag=migration&kind=webinar&utm_source=x",
        };
        Assert.That((await anonymous.PostJsonAsync("/api/feeds", body)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var created = await moderator.PostJsonAsync("/api/feeds", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var json = await created.JsonAsync();
        Assert.That(json.GetProperty("filter").GetString(), Is.EqualTo("kind=webinar&tag=migration"));
        Assert.That(json.GetProperty("url").GetString(), Is.EqualTo("/feeds/migration-webinars.ics"));
        Assert.That((await moderator.PostJsonAsync("/api/feeds", body)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var inFeed = await CreateAsync(EventBuilder.Timed("Migration webinar", Soon(3, "09:00"), Soon(3, "10:00")).With("tags", new[] { "migration" }));
        await CreateAsync(EventBuilder.Timed("Other webinar", Soon(3, "11:00"), Soon(3, "12:00")));
        var (seen, first) = await FetchAsync(anonymous, "/feeds/migration-webinars.ics");
        Assert.That(seen.Name, Is.EqualTo("Anti-trafficking events — migration webinars"));
        Assert.That(seen.Events.Select(e => e.Uid), Is.EqualTo(new[] { inFeed.ToString("D") }));
        Assert.That(first.Content.Headers.ContentDisposition!.FileName!.Trim('"'), Is.EqualTo("migration-webinars.ics"));

        var changed = await moderator.PutAsJsonAsync("/api/feeds/migration-webinars",
            new { title = "Migration webinars and meetings", filter = "tag=migration" }, CalendarApp.Json);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await changed.Content.ReadAsStringAsync());
        await ChangedAsync(anonymous, first.Headers.ETag!, "/feeds/migration-webinars.ics");

        Assert.That((await moderator.PostAsync("/api/feeds/migration-webinars/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (retired, _) = await FetchAsync(anonymous, "/feeds/migration-webinars.ics");
        Assert.That(retired.Name, Is.EqualTo("Migration webinars and meetings"), "a retired feed keeps answering");
        var list = await (await anonymous.GetAsync("/api/feeds")).JsonAsync();
        var slugs = list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("slug").GetString()).ToList();
        Assert.That(slugs, Is.EquivalentTo(new[] { "osce", "webinars", "world-days" }));
        Assert.That((await moderator.DeleteAsync("/api/feeds/migration-webinars")).StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task Calendar_syntax_in_a_title_or_description_sent_through_the_API_stays_text_of_one_event()
    {
        var body = EventBuilder.Timed("Webinar END:VEVENT BEGIN:VEVENT UID:x; SUMMARY:y, z\\", Soon(8, "09:00"), Soon(8, "10:00"))
            .With("description", "Line one\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:Injected\r\nEND:VEVENT\nBEGIN:VEVENT");
        var id = await CreateAsync(body);
        var bytes = await _app.Anonymous().GetByteArrayAsync("/feeds/events.ics");
        var lines = Encoding.UTF8.GetString(bytes).Replace("\r\n ", "").Split("\r\n");
        Assert.That(lines.Count(l => l == "BEGIN:VEVENT"), Is.EqualTo(1));
        Assert.That(lines.Count(l => l.StartsWith("UID:")), Is.EqualTo(1));
        var seen = (await Parsers.BothAsync(bytes)).Events.Single();
        Assert.That(seen.Uid, Is.EqualTo(id.ToString("D")));
        Assert.That(seen.Summary, Is.EqualTo("Webinar END:VEVENT BEGIN:VEVENT UID:x; SUMMARY:y, z\\"));
        Assert.That(seen.Description, Does.Contain("Line one\nEND:VEVENT\nBEGIN:VEVENT\nUID:injected"));
    }

    [Test]
    public async Task Editing_a_retired_feed_without_saying_retired_keeps_it_retired()
    {
        var moderator = _app.Moderator();
        var body = new Dictionary<string, object?> { ["slug"] = "kept-retired", ["title"] = "Kept retired", ["filter"] = "kind=training" };
        Assert.That((await moderator.PostJsonAsync("/api/feeds", body)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await moderator.PostAsync("/api/feeds/kept-retired/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var edited = await moderator.PutAsJsonAsync("/api/feeds/kept-retired",
            new { title = "Kept retired, new title", filter = "kind=training" }, CalendarApp.Json);
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        Assert.That((await edited.JsonAsync()).GetProperty("retired").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_filter_too_long_once_encoded_is_refused_by_name_not_by_the_database()
    {
        var response = await _app.Moderator().PostJsonAsync("/api/feeds", new Dictionary<string, object?>
        {
            ["slug"] = "very-long-filter", ["title"] = "Long", ["filter"] = "q=" + new string('ж', 180) + "&organizer=" + new string('ж', 180),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty("filter", out _), Is.True);
    }

    [TestCase("events", "kind=webinar", "slug")]
    [TestCase("Bad Slug", "kind=webinar", "slug")]
    [TestCase("good-slug", "kind=party", "filter.kind")]
    [TestCase("good-slug", "country=Belgium", "filter.country")]
    [TestCase("good-slug", "limit=5", "filter.limit")]
    public async Task A_named_feed_with_a_bad_slug_or_filter_is_refused_and_nothing_changes(string slug, string filter, string field)
    {
        var response = await _app.Moderator().PostJsonAsync("/api/feeds",
            new Dictionary<string, object?> { ["slug"] = slug, ["title"] = "Title", ["filter"] = filter });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), Is.True);
        var list = await (await _app.Anonymous().GetAsync("/api/feeds")).JsonAsync();
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_pending_event_is_in_no_feed_and_has_no_ics_file()
    {
        await using var db = await _app.OpenDatabaseAsync();
        var id = await CreateAsync(EventBuilder.Timed("Not yet public", Soon(4, "09:00"), Soon(4, "10:00")));
        var (_, published) = await FetchAsync(_app.Anonymous());
        await using (var command = new NpgsqlCommand("update events set moderation = 'pending' where id = @id", db))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }
        await ChangedAsync(_app.Anonymous(), published.Headers.ETag!);
        var (seen, _) = await FetchAsync(_app.Anonymous());
        Assert.That(seen.Events, Is.Empty);
        Assert.That((await _app.Anonymous().GetAsync($"/events/{id}.ics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Encoding.UTF8.GetString(await _app.Anonymous().GetByteArrayAsync("/feeds/events.ics")), Does.Not.Contain("Not yet public"));
    }
}
