using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Import;

/// <summary>
/// A partner's series that gains its first exception is read as single occurrences from then on, and folds back
/// into one series when the exception goes: against the real service and database, served by a loopback server.
/// </summary>
public sealed class SeriesReshapingTests : ImportFixture
{
    private Task<string> AddSourceAsync(string path) => CreateSourceAsync(new Dictionary<string, object?>
    {
        ["name"] = "Reshaping partner " + path, ["url"] = _server.Url(path), ["organizer"] = "Partner NGO",
    });

    /// <summary>(recurrence id, event id, moderation, status) of every row a UID has, in recurrence order.</summary>
    private async Task<List<(string? Rid, Guid Event, string? Moderation, string? Status)>> RowsAsync(string sourceId, string uid)
    {
        await using var connection = await _app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("""
            select i.recurrence_id, i.event_id, e.moderation, e.status from imported_events i left join events e on e.id = i.event_id
             where i.source_id = @s::uuid and i.uid = @u order by i.recurrence_id nulls first
            """, connection);
        command.Parameters.AddWithValue("s", sourceId);
        command.Parameters.AddWithValue("u", uid);
        var rows = new List<(string?, Guid, string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        return rows;
    }

    [Test]
    public async Task A_series_that_gains_an_EXDATE_becomes_its_occurrences_without_a_cancelled_copy_or_a_hold_and_folds_back_when_it_goes()
    {
        const string path = "/reshaping.ics";
        var id = await AddSourceAsync(path);
        var first = DateTime.UtcNow.Date.AddDays(60);
        string At(int week, int hour) => first.AddDays(7 * week).ToString("yyyyMMdd") + $"T{hour:00}0000";
        var vienna = TimeZoneInfo.FindSystemTimeZoneById("Europe/Vienna");
        DateTime Utc(int week) => DateTime.SpecifyKind(
            TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(first.AddDays(7 * week).AddHours(14), DateTimeKind.Unspecified), vienna), DateTimeKind.Utc);
        string Feed(bool withExdate) => string.Join("\r\n", new[] {
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//Series//EN",
            "BEGIN:VEVENT", "UID:reshape@partner.example", "DTSTAMP:20260101T000000Z",
            $"DTSTART;TZID=Europe/Vienna:{At(0, 14)}", $"DTEND;TZID=Europe/Vienna:{At(0, 15)}",
            "RRULE:FREQ=WEEKLY;COUNT=4", withExdate ? $"EXDATE;TZID=Europe/Vienna:{At(1, 14)}" : null,
            "SUMMARY:Weekly outreach clinic", "END:VEVENT",
            // Two single events: the series alone is a third of the source's upcoming events, above the 30 % hold.
            "BEGIN:VEVENT", "UID:single-1@partner.example", "DTSTAMP:20260101T000000Z",
            $"DTSTART;TZID=Europe/Vienna:{At(0, 9)}", $"DTEND;TZID=Europe/Vienna:{At(0, 10)}", "SUMMARY:Partner assembly", "END:VEVENT",
            "BEGIN:VEVENT", "UID:single-2@partner.example", "DTSTAMP:20260101T000000Z",
            $"DTSTART;TZID=Europe/Vienna:{At(1, 9)}", $"DTEND;TZID=Europe/Vienna:{At(1, 10)}", "SUMMARY:Donor briefing", "END:VEVENT",
            "END:VCALENDAR", "" }.Where(l => l is not null));
        async Task<List<(string?, DateTime, string?)>> ListedAsync()
        {
            var list = await (await _app.Anonymous().GetAsync($"/api/events?from={first:yyyy-MM-dd}&to={first.AddDays(30):yyyy-MM-dd}")).JsonAsync();
            return list.GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("title").GetString()!.Contains("outreach clinic"))
                .Select(e => (e.GetProperty("title").GetString(), (e.TryGetProperty("occurrence", out var o) && o.ValueKind == JsonValueKind.Object
                    ? o : e).GetProperty("startsAtUtc").GetDateTime(), e.GetProperty("status").GetString()))
                .ToList();
        }

        _server.Serve(path, Feed(withExdate: false));
        AssertCounts(await RunAsync(id), "ok", created: 3);
        var series = await RowsAsync(id, "reshape@partner.example");
        Assert.That(series.Select(r => r.Rid), Is.EqualTo(new string?[] { null }), "a plain series is one event");
        var seriesEvent = series[0].Event;
        foreach (var uid in new[] { "reshape@partner.example", "single-1@partner.example", "single-2@partner.example" })
            Assert.That((await _moderator.PostAsync($"/api/moderation/{(await RowsAsync(id, uid))[0].Event}/approve", null)).StatusCode,
                Is.EqualTo(HttpStatusCode.OK));

        // The series gains an EXDATE: the reader now lists weeks 0, 2 and 3 as single occurrences.
        _server.Serve(path, Feed(withExdate: true));
        var split = await RunAsync(id);
        AssertCounts(split, "ok", created: 2, updated: 1, unchanged: 2);
        var occurrences = await RowsAsync(id, "reshape@partner.example");
        Assert.Multiple(() =>
        {
            Assert.That(occurrences, Has.Count.EqualTo(3));
            Assert.That(occurrences[0].Event, Is.EqualTo(seriesEvent), "the series event now stands for its first occurrence");
            Assert.That(occurrences.Select(r => (r.Moderation, r.Status)), Is.All.EqualTo(("published", "confirmed")),
                "the approved series' occurrences need no second review");
        });
        Assert.That(await ListedAsync(), Is.EqualTo(new (string?, DateTime, string?)[]
        {
            ("Weekly outreach clinic", Utc(0), "confirmed"), ("Weekly outreach clinic", Utc(2), "confirmed"), ("Weekly outreach clinic", Utc(3), "confirmed"),
        }));
        var feed = await _app.Anonymous().GetStringAsync($"/feeds/events.ics?from={first:yyyy-MM-dd}&to={first.AddDays(30):yyyy-MM-dd}");
        Assert.That(feed, Does.Not.Contain("Cancelled:").And.Not.Contain("STATUS:CANCELLED"));

        // The EXDATE goes again: one series, on the event subscribers already have, and no cancelled copies.
        _server.Serve(path, Feed(withExdate: false));
        var folded = await RunAsync(id);
        AssertCounts(folded, "ok", updated: 1, unchanged: 2);
        var again = await RowsAsync(id, "reshape@partner.example");
        Assert.That(again.Select(r => (r.Rid, r.Event)), Is.EqualTo(new[] { ((string?)null, seriesEvent) }));
        Assert.That(await ListedAsync(), Is.EqualTo(new (string?, DateTime, string?)[]
        {
            ("Weekly outreach clinic", Utc(0), "confirmed"), ("Weekly outreach clinic", Utc(1), "confirmed"),
            ("Weekly outreach clinic", Utc(2), "confirmed"), ("Weekly outreach clinic", Utc(3), "confirmed"),
        }));
        feed = await _app.Anonymous().GetStringAsync($"/feeds/events.ics?from={first:yyyy-MM-dd}&to={first.AddDays(30):yyyy-MM-dd}");
        Assert.That(feed, Does.Not.Contain("Cancelled:").And.Not.Contain("STATUS:CANCELLED"));

        var before = await _app.SnapshotAsync();
        AssertCounts(await RunAsync(id), "ok", unchanged: 3);
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Occurrences_after_the_horizon_are_counted_in_a_note_of_the_run_report_so_seen_0_is_explained()
    {
        const string path = "/beyond.ics";
        var id = await AddSourceAsync(path);
        // The reader expands a series with exceptions up to two years (732 days) ahead.
        string Day(int days, int hour) => DateTime.UtcNow.Date.AddDays(days).ToString("yyyyMMdd") + $"T{hour:00}0000";
        // A weekly series from the given day at 10:00 Vienna time, with its second week excepted.
        string Series(string uid, int firstDay, int count, string summary) => string.Join("\r\n",
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//Far//EN",
            "BEGIN:VEVENT", $"UID:{uid}", "DTSTAMP:20260101T000000Z",
            $"DTSTART;TZID=Europe/Vienna:{Day(firstDay, 10)}", $"DTEND;TZID=Europe/Vienna:{Day(firstDay, 11)}",
            $"RRULE:FREQ=WEEKLY;COUNT={count}", $"EXDATE;TZID=Europe/Vienna:{Day(firstDay + 7, 10)}", $"SUMMARY:{summary}", "END:VEVENT",
            "END:VCALENDAR", "");
        _server.Serve(path, Series("far@partner.example", 800, 3, "Far-off seminar"));
        var report = await RunAsync(id);
        AssertCounts(report, "ok");
        Assert.That(report.GetProperty("seen").GetInt32(), Is.Zero);
        Assert.That(report.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Has.Some.Contains(
            "1 repeating series with exceptions has occurrences after the import horizon").And.Some.Contains("1 of them has none before it"));

        // A series that runs across the horizon: the occurrences before it are imported, the rest noted.
        _server.Serve(path, Series("across@partner.example", 700, 10, "Across the horizon"));
        report = await RunAsync(id);
        AssertCounts(report, "ok", created: 4);
        var notes = report.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.That(notes, Has.Some.Contains("1 repeating series with exceptions has occurrences after the import horizon"));
        Assert.That(notes, Has.None.Contains("none before it"));
    }
}
