using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Calendar.Tests.Import;

/// <summary>
/// A partner's feed over time, against the real service and database, served by a loopback web server: what the
/// first run creates, what later runs update, keep, cancel or hold, and that every failure changes nothing.
/// </summary>
public sealed class SourceLifecycleTests : ImportFixture
{
    private int _counter;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Calendar:Import:Timeout"] = "00:00:02" };

    private async Task<(string Id, string Path)> AddSourceAsync(string? kind = null)
    {
        var path = $"/partner-{Interlocked.Increment(ref _counter)}.ics";
        var id = await CreateSourceAsync(new Dictionary<string, object?>
        {
            ["name"] = $"Partner {_counter}", ["url"] = _server.Url(path), ["organizer"] = $"Partner NGO {_counter}",
            ["kind"] = kind, ["tags"] = new[] { "partner-feed" },
        });
        return (id, path);
    }

    private async Task<Guid> EventIdAsync(string sourceId, string uid)
    {
        await using var connection = await _app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("select event_id from imported_events where source_id = @s::uuid and uid = @u", connection);
        command.Parameters.AddWithValue("s", sourceId);
        command.Parameters.AddWithValue("u", uid);
        return (Guid)(await command.ExecuteScalarAsync() ?? throw new AssertionException($"{uid} was not imported"));
    }

    private async Task<T> ScalarAsync<T>(string sql, Guid id)
    {
        await using var connection = await _app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ApproveAsync(Guid id) =>
        Assert.That((await _moderator.PostAsync($"/api/moderation/{id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

    [Test]
    public async Task A_first_run_queues_the_events_with_the_sources_organizer_kind_and_tags_and_a_second_run_changes_nothing()
    {
        var (id, path) = await AddSourceAsync(kind: "webinar");
        _server.Serve(path, Ics.Calendar(Ics.Weekly("first", 3)));

        AssertCounts(await RunAsync(id), "ok", created: 3);
        var queue = await (await _moderator.GetAsync("/api/moderation/queue")).JsonAsync();
        var mine = queue.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("title").GetString()!.StartsWith("first session")).ToList();
        Assert.That(mine, Has.Count.EqualTo(3), "new imported events wait for review");
        Assert.Multiple(() =>
        {
            Assert.That(mine.Select(e => e.GetProperty("organizers")[0].GetString()), Is.All.StartWith("Partner NGO"));
            Assert.That(mine.Select(e => e.GetProperty("kind").GetString()), Is.All.EqualTo("webinar"));
            Assert.That(mine.Select(e => e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList()),
                Is.All.Contains("partner-feed"));
        });

        var before = await _app.SnapshotAsync();
        AssertCounts(await RunAsync(id), "ok", unchanged: 3);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before), "not even updatedAt moves");
    }

    [Test]
    public async Task A_feed_with_an_ETag_is_asked_for_conditionally_and_not_modified_changes_nothing()
    {
        var (id, path) = await AddSourceAsync();
        _server.Serve(path, Ics.Calendar(Ics.Weekly("etag", 2)), etag: "\"v1\"");
        AssertCounts(await RunAsync(id), "ok", created: 2);
        var before = await _app.SnapshotAsync();
        var report = await RunAsync(id);
        Assert.That(report.GetProperty("outcome").GetString(), Is.EqualTo("not-modified"));
        Assert.That(report.GetProperty("httpStatus").GetInt32(), Is.EqualTo(304));
        Assert.That(_server.Requests.Where(r => r.Path == path).Select(r => r.IfNoneMatch), Is.EqualTo(new string?[] { null, "\"v1\"" }));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_event_changed_at_the_source_is_updated_with_its_SEQUENCE_raised()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("edit", 2);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        var eventId = await EventIdAsync(id, items[0].Uid);
        await ApproveAsync(eventId);
        var sequence = await ScalarAsync<int>("select sequence from events where id = @id", eventId);

        items[0] = items[0] with { Title = "edit session 1 (moved)", Start = "20310303T110000", End = "20310303T120000" };
        _server.Serve(path, Ics.Calendar(items));
        AssertCounts(await RunAsync(id), "ok", updated: 1, unchanged: 1);

        var json = await (await _moderator.GetAsync($"/api/events/{eventId}")).JsonAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("edit session 1 (moved)"));
            Assert.That(json.GetProperty("startsAtUtc").GetDateTime(), Is.EqualTo(new DateTime(2031, 3, 3, 10, 0, 0, DateTimeKind.Utc)));
            Assert.That(await ScalarAsync<int>("select sequence from events where id = @id", eventId), Is.EqualTo(sequence + 1));
            Assert.That(await ScalarAsync<string>("select moderation from events where id = @id", eventId), Is.EqualTo("published"));
        });
        var feed = await _app.Anonymous().GetStringAsync("/feeds/events.ics?from=2031-03-01&to=2031-03-05");
        Assert.That(feed, Does.Contain("SUMMARY:edit session 1 (moved)").And.Contain($"SEQUENCE:{sequence + 1}"));
    }

    [Test]
    public async Task A_moderators_edit_of_one_field_survives_the_next_run_while_other_fields_follow_the_source()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("local", 1);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        var eventId = await EventIdAsync(id, items[0].Uid);
        var current = await (await _moderator.GetAsync($"/api/events/{eventId}")).JsonAsync();

        var edited = JsonSerializer.Deserialize<Dictionary<string, object?>>(current.GetRawText())!;
        edited["title"] = "Local session title, fixed by a moderator";
        var put = await _moderator.PutAsync($"/api/events/{eventId}", JsonContent(edited));
        Assert.That(put.IsSuccessStatusCode, Is.True, await put.Content.ReadAsStringAsync());

        _server.Serve(path, Ics.Calendar(items[0] with { Title = "local session 1 renamed at the source", Description = "New agenda." }));
        AssertCounts(await RunAsync(id), "ok", updated: 1);
        var after = await (await _moderator.GetAsync($"/api/events/{eventId}")).JsonAsync();
        Assert.That(after.GetProperty("title").GetString(), Is.EqualTo("Local session title, fixed by a moderator"));
        Assert.That(after.GetProperty("description").GetString(), Is.EqualTo("New agenda."));

        var before = await _app.SnapshotAsync();
        AssertCounts(await RunAsync(id), "ok", unchanged: 1);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, CalendarApp.Json), System.Text.Encoding.UTF8, "application/json");

    [Test]
    public async Task An_event_removed_from_the_feed_or_marked_cancelled_is_cancelled_and_stays_in_the_feed_as_cancelled()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("gone", 8);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        var removed = await EventIdAsync(id, items[7].Uid);
        var marked = await EventIdAsync(id, items[6].Uid);
        await ApproveAsync(removed);

        items[6] = items[6] with { Status = "CANCELLED" };
        _server.Serve(path, Ics.Calendar(items[..7]));
        AssertCounts(await RunAsync(id), "ok", cancelled: 2, unchanged: 6);
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<string>("select status from events where id = @id", removed), Is.EqualTo("cancelled"));
            Assert.That(await ScalarAsync<string>("select status from events where id = @id", marked), Is.EqualTo("cancelled"));
        });
        var feed = await _app.Anonymous().GetStringAsync("/feeds/events.ics?from=2031-04-01&to=2031-04-30");
        Assert.That(feed, Does.Contain("SUMMARY:Cancelled: gone session 8").And.Contain("STATUS:CANCELLED"));
    }

    [Test]
    public async Task When_40_percent_of_upcoming_events_vanish_the_run_is_held_and_nothing_changes_until_a_moderator_accepts()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("held", 5);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        _server.Serve(path, Ics.Calendar(items[..3]));

        var before = await _app.SnapshotAsync();
        var report = await RunAsync(id);
        AssertCounts(report, "held");
        Assert.That(report.GetProperty("problem").GetString(), Does.Contain("2 of this source's 5 upcoming events (40 %)"));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));

        AssertCounts(await RunAsync(id, acceptRemovals: true), "ok", cancelled: 2, unchanged: 3);
    }

    [Test]
    public async Task A_rejected_event_stays_rejected_until_the_source_changes_it()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("reject", 2);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        var eventId = await EventIdAsync(id, items[0].Uid);
        var rejected = await _moderator.PostJsonAsync($"/api/moderation/{eventId}/reject", new { reason = "Not about trafficking." });
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var before = await _app.SnapshotAsync();
        AssertCounts(await RunAsync(id), "ok", unchanged: 2);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        Assert.That(await ScalarAsync<string>("select moderation from events where id = @id", eventId), Is.EqualTo("rejected"));

        _server.Serve(path, Ics.Calendar(items[0] with { Description = "Now with a session on trafficking for labour." }, items[1]));
        AssertCounts(await RunAsync(id), "ok", updated: 1, unchanged: 1);
        Assert.That(await ScalarAsync<string>("select moderation from events where id = @id", eventId), Is.EqualTo("pending"));
    }

    [Test]
    public async Task A_rejected_event_the_source_cancels_stays_rejected_and_out_of_the_queue()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("reject-cancel", 4);
        _server.Serve(path, Ics.Calendar(items));
        await RunAsync(id);
        var eventId = await EventIdAsync(id, items[0].Uid);
        await _moderator.PostJsonAsync($"/api/moderation/{eventId}/reject", new { reason = "Off topic." });

        var before = await _app.SnapshotAsync();
        _server.Serve(path, Ics.Calendar([items[0] with { Status = "CANCELLED" }, .. items[1..]]));
        AssertCounts(await RunAsync(id), "ok", unchanged: 4);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
        Assert.That(await ScalarAsync<string>("select moderation from events where id = @id", eventId), Is.EqualTo("rejected"));
    }

    [Test]
    public async Task An_invalid_event_is_skipped_with_a_reason_and_the_others_import()
    {
        var (id, path) = await AddSourceAsync();
        var items = Ics.Weekly("skip", 2);
        _server.Serve(path, Ics.Calendar(items[0], items[1] with { Title = "" }));
        var report = await RunAsync(id);
        AssertCounts(report, "ok", created: 1);
        var skipped = report.GetProperty("skipped");
        Assert.That(skipped.GetArrayLength(), Is.EqualTo(1));
        Assert.That(skipped[0].GetProperty("uid").GetString(), Is.EqualTo(items[1].Uid));
        Assert.That(skipped[0].GetProperty("reason").GetString(), Does.Contain("no title"));
    }

    [Test]
    public async Task An_event_like_one_from_the_form_is_flagged_as_a_possible_duplicate_and_not_merged()
    {
        var created = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Regional conference on trafficking in human beings",
            "2031-05-14T09:00", "2031-05-14T17:00", "Europe/Vienna"));
        var formId = Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
        var (id, path) = await AddSourceAsync();
        _server.Serve(path, Ics.Calendar(new Ics.Item("dup@partner.example", "Regional Conference on Trafficking in Human Beings",
            "20310514T100000", "20310514T160000")));
        AssertCounts(await RunAsync(id), "ok", created: 1);
        var imported = await EventIdAsync(id, "dup@partner.example");
        Assert.That(imported, Is.Not.EqualTo(formId), "never merged");
        Assert.That(await ScalarAsync<Guid>("select duplicate_of from imported_events where event_id = @id", imported), Is.EqualTo(formId));
        var history = await (await _moderator.GetAsync($"/api/moderation/{imported}/history")).Content.ReadAsStringAsync();
        Assert.That(history, Does.Contain("Possible duplicate of"));
    }

    [Test]
    public async Task The_API_review_queue_names_an_imported_events_source_and_possible_duplicate_as_the_admin_page_does()
    {
        var created = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("National referral mechanism round table",
            "2031-06-11T09:00", "2031-06-11T12:00", "Europe/Vienna"));
        var formId = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var (id, path) = await AddSourceAsync();
        _server.Serve(path, Ics.Calendar(
            new Ics.Item("nrm@partner.example", "National Referral Mechanism Round Table", "20310611T100000", "20310611T130000"),
            new Ics.Item("other@partner.example", "Shelter staff exchange", "20310611T140000", "20310611T150000")));
        AssertCounts(await RunAsync(id), "ok", created: 2);

        var items = (await (await _moderator.GetAsync("/api/moderation/queue")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        var nrmId = (await EventIdAsync(id, "nrm@partner.example")).ToString();
        var otherId = (await EventIdAsync(id, "other@partner.example")).ToString();
        var imported = items.Single(e => e.GetProperty("id").GetString() == nrmId);
        var other = items.Single(e => e.GetProperty("id").GetString() == otherId);
        Assert.Multiple(() =>
        {
            var import = imported.GetProperty("import");
            Assert.That(import.GetProperty("sourceId").GetString(), Is.EqualTo(id));
            Assert.That(import.GetProperty("sourceName").GetString(), Does.StartWith("Partner "));
            Assert.That(import.GetProperty("possibleDuplicate").GetProperty("id").GetString(), Is.EqualTo(formId));
            Assert.That(import.GetProperty("possibleDuplicate").GetProperty("title").GetString(), Is.EqualTo("National referral mechanism round table"));
            Assert.That(other.GetProperty("import").GetProperty("possibleDuplicate").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });

        var doc = await (await _app.Anonymous().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.That(doc, Does.Contain("\"possibleDuplicate\"").And.Contain("flagged, never merged"));
    }

    [Test]
    public async Task Approved_events_appear_in_the_feed_and_the_JSON_at_the_instants_the_source_meant()
    {
        var (id, path) = await AddSourceAsync();
        _server.Serve(path, Ics.Calendar(
            new Ics.Item("vienna@partner.example", "Vienna morning briefing", "20310310T090000", "20310310T100000"),
            new Ics.Item("utc@partner.example", "UTC evening call", "20310311T180000Z", "20310311T190000Z", TzId: null),
            new Ics.Item("ny@partner.example", "New York side event", "20310312T090000", "20310312T100000", TzId: "America/New_York"),
            new Ics.Item("outlook@partner.example", "Outlook zone meeting", "20310313T090000", "20310313T100000", TzId: "W. Europe Standard Time")));
        await RunAsync(id);
        foreach (var uid in new[] { "vienna@partner.example", "utc@partner.example", "ny@partner.example", "outlook@partner.example" })
            await ApproveAsync(await EventIdAsync(id, uid));

        var list = await (await _app.Anonymous().GetAsync("/api/events?from=2031-03-10&to=2031-03-14")).JsonAsync();
        var starts = list.GetProperty("items").EnumerateArray()
            .ToDictionary(e => e.GetProperty("title").GetString()!, e => e.GetProperty("startsAtUtc").GetDateTime());
        Assert.That(starts, Is.EquivalentTo(new Dictionary<string, DateTime>
        {
            ["Vienna morning briefing"] = new(2031, 3, 10, 8, 0, 0, DateTimeKind.Utc),
            ["UTC evening call"] = new(2031, 3, 11, 18, 0, 0, DateTimeKind.Utc),
            ["New York side event"] = new(2031, 3, 12, 13, 0, 0, DateTimeKind.Utc),
            ["Outlook zone meeting"] = new(2031, 3, 13, 8, 0, 0, DateTimeKind.Utc),
        }));
        // Both parsers of the feed tests (Ical.Net, and ical.js with the feed's own VTIMEZONEs) read the same instants.
        var feed = await _app.Anonymous().GetByteArrayAsync("/feeds/events.ics?from=2031-03-10&to=2031-03-14");
        var parsed = await Feeds.Parsers.BothAsync(feed);
        Assert.That(parsed.Events.Select(e => (e.Summary, e.Start)), Is.EquivalentTo(new[]
        {
            ("Vienna morning briefing", "2031-03-10T08:00:00Z"),
            ("UTC evening call", "2031-03-11T18:00:00Z"),
            ("New York side event", "2031-03-12T13:00:00Z"),
            ("Outlook zone meeting", "2031-03-13T08:00:00Z"),
        }));
    }

    [Test]
    public async Task A_series_with_an_EXDATE_and_a_moved_occurrence_is_listed_exactly_as_the_source_means_it()
    {
        // Within the reader's expansion horizon: weekly from about two months ahead.
        var (id, path) = await AddSourceAsync();
        var first = DateTime.UtcNow.Date.AddDays(60);
        string At(int week, int hour) => first.AddDays(7 * week).ToString("yyyyMMdd") + $"T{hour:00}0000";
        var vienna = TimeZoneInfo.FindSystemTimeZoneById("Europe/Vienna");
        DateTime Utc(int week, int hour) => DateTime.SpecifyKind(
            TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(first.AddDays(7 * week).AddHours(hour), DateTimeKind.Unspecified), vienna), DateTimeKind.Utc);
        _server.Serve(path, string.Join("\r\n",
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//Series//EN",
            "BEGIN:VEVENT", "UID:series@partner.example", "DTSTAMP:20260101T000000Z",
            $"DTSTART;TZID=Europe/Vienna:{At(0, 14)}", $"DTEND;TZID=Europe/Vienna:{At(0, 15)}",
            "RRULE:FREQ=WEEKLY;COUNT=4", $"EXDATE;TZID=Europe/Vienna:{At(1, 14)}", "SUMMARY:Weekly helpline training", "END:VEVENT",
            "BEGIN:VEVENT", "UID:series@partner.example", "DTSTAMP:20260101T000000Z",
            $"RECURRENCE-ID;TZID=Europe/Vienna:{At(2, 14)}",
            $"DTSTART;TZID=Europe/Vienna:{At(2, 16)}", $"DTEND;TZID=Europe/Vienna:{At(2, 17)}",
            "SUMMARY:Weekly helpline training (later this week)", "END:VEVENT",
            "END:VCALENDAR", ""));
        var report = await RunAsync(id);
        Assert.That(report.GetProperty("outcome").GetString(), Is.EqualTo("ok"), report.ToString());
        await using (var connection = await _app.OpenDatabaseAsync())
        await using (var command = new NpgsqlCommand("select event_id from imported_events where source_id = @s::uuid", connection))
        {
            command.Parameters.AddWithValue("s", id);
            var ids = new List<Guid>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
            foreach (var eventId in ids) await ApproveAsync(eventId);
        }

        var list = await (await _app.Anonymous().GetAsync($"/api/events?from={first:yyyy-MM-dd}&to={first.AddDays(30):yyyy-MM-dd}")).JsonAsync();
        var seen = list.GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("title").GetString(), (e.TryGetProperty("occurrence", out var o) && o.ValueKind == JsonValueKind.Object
                ? o : e).GetProperty("startsAtUtc").GetDateTime()))
            .ToList();
        Assert.That(seen, Is.EqualTo(new (string?, DateTime)[]
        {
            ("Weekly helpline training", Utc(0, 14)),
            ("Weekly helpline training (later this week)", Utc(2, 16)),
            ("Weekly helpline training", Utc(3, 14)),
        }));

        var before = await _app.SnapshotAsync();
        AssertCounts(await RunAsync(id), "ok", unchanged: report.GetProperty("seen").GetInt32());
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    public enum Failure { Timeout, ServerError, HtmlPage, TwentyMegabytes, RedirectToLoopback }

    [TestCase(Failure.Timeout)]
    [TestCase(Failure.ServerError)]
    [TestCase(Failure.HtmlPage)]
    [TestCase(Failure.TwentyMegabytes)]
    [TestCase(Failure.RedirectToLoopback)]
    public async Task A_failed_fetch_or_read_is_a_failed_run_with_the_reason_and_changes_nothing(Failure failure)
    {
        var (id, path) = await AddSourceAsync();
        _server.Serve(path, Ics.Calendar(Ics.Weekly($"fail-{failure}", 3)));
        AssertCounts(await RunAsync(id), "ok", created: 3);

        var expected = failure switch
        {
            Failure.Timeout => "within 2 seconds",
            Failure.ServerError => "HTTP 503",
            Failure.HtmlPage => "Not an iCalendar feed",
            Failure.TwentyMegabytes => "larger than 5 MB",
            _ => "loopback",
        };
        _server.Handle(path, failure switch
        {
            Failure.Timeout => (Func<HttpContext, Task>)(async c => { await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted); }),
            Failure.ServerError => c => { c.Response.StatusCode = 503; return Task.CompletedTask; },
            Failure.HtmlPage => c => { c.Response.ContentType = "text/html"; return c.Response.WriteAsync("<!doctype html><title>Maintenance</title><p>Back soon"); },
            Failure.TwentyMegabytes => async c =>
            {
                c.Response.ContentType = "text/calendar";
                var chunk = new byte[1024 * 1024];
                Array.Fill(chunk, (byte)'x');
                for (var i = 0; i < 20; i++) await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
            },
            _ => c => { c.Response.Redirect($"http://127.0.0.1:{new Uri(_server.BaseUrl).Port}/elsewhere.ics"); return Task.CompletedTask; },
        });
        _server.Serve("/elsewhere.ics", Ics.Calendar());

        var before = await _app.SnapshotAsync();
        var sources = failure == Failure.RedirectToLoopback
            // Private networks not allowed, except the partner's own address (127.0.0.2): the redirect to 127.0.0.1 is refused.
            ? _app.AnotherInstance(new Dictionary<string, string?>
            {
                ["Calendar:Import:AllowPrivateNetworks"] = "false", ["Calendar:Import:AllowedNetworks"] = "127.0.0.2/32",
            })
            : null;
        var client = sources?.Moderator() ?? _moderator;
        var response = await client.PostAsync($"/api/sources/{id}/run", null);
        var report = await response.JsonAsync();
        if (sources is not null) await sources.DisposeAsync();

        AssertCounts(report, "failed");
        Assert.That(report.GetProperty("problem").GetString(), Does.Contain(expected));
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before), "nothing cancelled, nothing changed");
        var source = await (await _moderator.GetAsync($"/api/sources/{id}")).JsonAsync();
        Assert.That(source.GetProperty("failures").GetInt32(), Is.EqualTo(1));
        Assert.That(source.GetProperty("nextRunAt").GetDateTime(), Is.LessThan(DateTime.UtcNow.AddMinutes(30)), "retried soon, with backoff");
        Assert.That(source.GetProperty("runs").GetArrayLength(), Is.EqualTo(2), "every run recorded");
    }
}
