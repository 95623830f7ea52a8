using System.Text;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using NodaTime;

namespace Calendar.Tests.Feeds;

/// <summary>The writer on its own, on events built in memory: raw text rules and what both parsers read.</summary>
public sealed class IcsWriterTests
{
    private static readonly IcsOptions Options = new() { BaseUrl = "https://calendar.example.org" };
    private static readonly FeedHeader Header = new("Anti-trafficking events", "All events.");
    private static readonly DateTime Updated = new(2026, 3, 1, 10, 20, 30, DateTimeKind.Utc);

    internal static Event Timed(string title, string zone, DateTime startLocal, TimeSpan? length = null, string? recurrence = null,
        string description = "A webinar.", string status = "confirmed", string kind = "webinar")
    {
        var tz = TimeZones.Find(zone)!;
        var endLocal = startLocal + (length ?? TimeSpan.FromHours(1.5));
        return new Event
        {
            Id = Guid.NewGuid(), Title = title, Description = description, Kind = kind, Status = status, Moderation = "published",
            AllDay = false, StartsLocal = startLocal, EndsLocal = endLocal, TimeZone = zone,
            StartsAt = TimeZones.ToInstantLenient(LocalDateTime.FromDateTime(startLocal), tz).ToDateTimeUtc(),
            EndsAt = TimeZones.ToInstantLenient(LocalDateTime.FromDateTime(endLocal), tz).ToDateTimeUtc(),
            Recurrence = recurrence, Online = true, JoinUrl = "https://meet.example.org/room?id=1&lang=en",
            Organizers = ["La Strada International", "OSCE"], Tags = ["labour-exploitation", "migration"],
            RegistrationUrl = "https://example.org/register", MoreInfoUrl = "https://example.org/info",
            CreatedAt = Updated.AddDays(-3), UpdatedAt = Updated, Sequence = 2,
        };
    }

    internal static Event AllDay(string title, DateOnly first, DateOnly last, string kind = "conference", string? recurrence = null,
        string description = "", string status = "confirmed") => new()
    {
        Id = Guid.NewGuid(), Title = title, Description = description, Kind = kind, Status = status, Moderation = "published",
        AllDay = true, StartsOn = first, EndsOn = last,
        StartsAt = TimeZones.MidnightUtc(first), EndsAt = TimeZones.MidnightUtc(last.AddDays(1)), Recurrence = recurrence,
        Venue = "Hofburg", City = "Vienna", Country = "AT", Organizers = ["OSCE"], Tags = ["policy"],
        CreatedAt = Updated.AddDays(-3), UpdatedAt = Updated,
    };

    private static string Text(IcsResult result) => Encoding.UTF8.GetString(result.Bytes);

    private static string Unfolded(string text) => text.Replace("\r\n ", "");

    [Test]
    public void Every_line_ends_in_CRLF_and_no_physical_line_exceeds_75_octets_or_splits_a_character()
    {
        // Titles whose folds fall inside multi-byte characters at every offset: 2-byte Cyrillic, 3-byte CJK, 4-byte emoji.
        var events = new List<Event>();
        for (var pad = 0; pad < 4; pad++)
        {
            events.Add(Timed(new string('x', pad) + string.Concat(Enumerable.Repeat("Торговля людьми ", 12)), "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0)));
            events.Add(Timed(new string('x', pad) + string.Concat(Enumerable.Repeat("人口贩卖", 30)), "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0)));
            events.Add(Timed(new string('x', pad) + string.Concat(Enumerable.Repeat("🇪🇺✊🏽", 25)), "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0)));
        }
        var bytes = IcsWriter.Feed(events, Header, Options).Bytes;

        Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte order mark");
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                Assert.That(i > 0 && bytes[i - 1] == (byte)'\r', $"bare LF at byte {i}");
                lines.Add(bytes[start..(i - 1)]);
                start = i + 1;
            }
            else if (bytes[i] == (byte)'\r') Assert.That(i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n', $"bare CR at byte {i}");
        }
        Assert.That(start, Is.EqualTo(bytes.Length), "the last line ends in CRLF");
        Assert.Multiple(() =>
        {
            foreach (var line in lines)
            {
                Assert.That(line.Length, Is.LessThanOrEqualTo(75));
                // Each physical line alone is valid UTF-8: no character was split at a fold.
                Assert.DoesNotThrow(() => strict.GetString(line));
                Assert.That(line is [(byte)' '], Is.False, "no empty continuation line");
            }
        });
        Assert.That(lines.Count(l => l.Length == 75 || (l.Length > 70 && l[0] == ' ')), Is.GreaterThan(0), "the test did fold lines");
    }

    [Test]
    public async Task Commas_semicolons_backslashes_and_line_breaks_are_escaped_and_read_back_unchanged()
    {
        const string title = @"Rights, duties; and C:\paths";
        const string description = "First line, with comma; semicolon \\ backslash\nSecond line\r\nThird line";
        var e = Timed(title, "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0), description: description);
        var result = IcsWriter.Feed([e], Header, Options);
        var text = Unfolded(Text(result));

        Assert.That(text, Does.Contain(@"SUMMARY:Rights\, duties\; and C:\\paths" + "\r\n"));
        Assert.That(text, Does.Contain(@"First line\, with comma\; semicolon \\ backslash\nSecond line\nThird line"));
        var seen = (await Parsers.BothAsync(result.Bytes)).Event(e.Id);
        Assert.That(seen.Summary, Is.EqualTo(title));
        Assert.That(seen.Description, Does.Contain("First line, with comma; semicolon \\ backslash\nSecond line\nThird line"));
    }

    [Test]
    public async Task A_title_holding_CRLF_and_BEGIN_VEVENT_stays_one_event()
    {
        // The validator rejects control characters in titles; the writer must be safe on its own anyway.
        var e = Timed("Harmless\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:Injected", "Europe/Brussels",
            new DateTime(2026, 5, 6, 14, 0, 0), description: "x\r\nEND:VCALENDAR\r\n\u0000\u001b");
        var result = IcsWriter.Feed([e], Header, Options);
        var text = Text(result);

        var lines = Unfolded(text).Split("\r\n");
        Assert.That(lines.Count(l => l == "BEGIN:VEVENT"), Is.EqualTo(1));
        Assert.That(lines.Count(l => l == "END:VCALENDAR"), Is.EqualTo(1));
        Assert.That(lines.Count(l => l.StartsWith("UID:")), Is.EqualTo(1));
        var seen = await Parsers.BothAsync(result.Bytes);
        Assert.That(seen.Events, Has.Count.EqualTo(1));
        Assert.That(seen.Events[0].Uid, Is.EqualTo(e.Id.ToString("D")));
        Assert.That(seen.Events[0].Summary, Does.StartWith("Harmless\nEND:VEVENT"));
    }

    [TestCase("Europe/Brussels")]
    [TestCase("Europe/London")]
    [TestCase("Europe/Helsinki")]
    [TestCase("America/New_York")]
    [TestCase("Australia/Sydney")]
    [TestCase("Asia/Tokyo")]
    [TestCase("Europe/Istanbul")]
    [TestCase("Europe/Chisinau")]
    public async Task Timed_events_carry_TZID_with_a_VTIMEZONE_of_yearly_rules_that_both_parsers_read_as_tzdb_does(string zone)
    {
        // Dates around each year's changes, over years with and without rule changes (Istanbul 2016, Chisinau 2022).
        var events = new List<Event>();
        foreach (var year in new[] { 2015, 2016, 2019, 2022, 2026, 2031 })
            foreach (var (month, day) in new[] { (1, 15), (3, 20), (3, 31), (4, 5), (7, 1), (10, 20), (10, 30), (11, 5) })
                events.Add(Timed($"{zone} {year}-{month}-{day}", zone, new DateTime(year, month, day, 9, 30, 0)));
        var weekly = Timed("Weekly", zone, new DateTime(2026, 3, 2, 9, 0, 0), recurrence: "FREQ=WEEKLY;COUNT=60");
        events.Add(weekly);
        var result = IcsWriter.Feed(events, Header, Options);
        var text = Unfolded(Text(result));

        Assert.That(text.Split("BEGIN:VTIMEZONE").Length - 1, Is.EqualTo(1), "one VTIMEZONE per TZID");
        Assert.That(text, Does.Contain($"TZID:{zone}\r\n"));
        Assert.That(text, Does.Not.Contain("RDATE"));
        Assert.That(text, Does.Not.Contain("X-WR-TIMEZONE"));
        Assert.That(text, Does.Contain($"DTSTART;TZID={zone}:20260302T090000\r\n"));
        var seen = await Parsers.BothAsync(result.Bytes);
        Assert.Multiple(() =>
        {
            foreach (var e in events)
                Assert.That(seen.Event(e.Id).Start, Is.EqualTo(e.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")), e.Title);
        });
    }

    // Morocco suspends daylight time for Ramadan, which moves every year; Brazil's last years of daylight time
    // moved with Carnival.
    [TestCase("Africa/Casablanca", 2026)]
    [TestCase("America/Sao_Paulo", 2017)]
    public async Task A_zone_whose_changes_no_yearly_rule_expresses_is_written_in_UTC(string zone, int year)
    {
        var e = Timed("Meeting", zone, new DateTime(year, 5, 6, 14, 0, 0));
        var other = Timed("Other", zone, new DateTime(year - 2, 1, 6, 14, 0, 0));
        var brussels = Timed("Brussels", "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0));
        var result = IcsWriter.Feed([e, other, brussels], Header, Options);
        var text = Text(result);

        Assert.That(text, Does.Not.Contain(zone));
        Assert.That(text, Does.Contain($"DTSTART:{e.StartsAt:yyyyMMdd'T'HHmmss}Z\r\n"));
        var seen = await Parsers.BothAsync(result.Bytes);
        Assert.That(seen.Event(e.Id).Start, Is.EqualTo(e.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.That(seen.Event(other.Id).Start, Is.EqualTo(other.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.That(seen.TimeZones, Is.EqualTo(new[] { "Europe/Brussels" }));
    }

    [Test]
    public async Task All_day_events_are_dates_with_an_exclusive_end_and_the_Outlook_all_day_flag()
    {
        var conference = AllDay("Alliance conference", new DateOnly(2026, 4, 20), new DateOnly(2026, 4, 22));
        var result = IcsWriter.Feed([conference], Header, Options);
        var text = Unfolded(Text(result));

        Assert.That(text, Does.Contain("DTSTART;VALUE=DATE:20260420\r\nDTEND;VALUE=DATE:20260423\r\n"));
        Assert.That(text, Does.Contain("X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n"));
        Assert.That(text, Does.Contain("TRANSP:OPAQUE\r\n"));
        Assert.That(text, Does.Contain("LOCATION:Hofburg\\, Vienna\\, Austria\r\n"));
        var seen = (await Parsers.BothAsync(result.Bytes)).Event(conference.Id);
        Assert.That((seen.AllDay, seen.Start, seen.End), Is.EqualTo((true, "2026-04-20", "2026-04-23")));
    }

    [Test]
    public async Task World_days_are_yearly_all_day_and_free()
    {
        var day = AllDay("World Day against Trafficking in Persons", new DateOnly(2016, 7, 30), new DateOnly(2016, 7, 30),
            kind: "world-day", recurrence: "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30");
        var result = IcsWriter.Feed([day], Header, Options);
        var text = Unfolded(Text(result));

        Assert.That(text, Does.Contain("RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30\r\n"));
        Assert.That(text, Does.Contain("TRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n"));
        var seen = (await Parsers.BothAsync(result.Bytes)).Event(day.Id);
        Assert.That(seen.Occurrences.Take(3), Is.EqualTo(new[] { "2016-07-30", "2017-07-30", "2018-07-30" }));
    }

    [Test]
    public async Task A_cancelled_event_keeps_its_UID_and_shows_CANCELLED_with_the_title_prefix_and_free_time()
    {
        var e = Timed("Webinar on labour exploitation", "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0), status: "cancelled");
        var result = IcsWriter.Feed([e], Header, Options);
        var text = Unfolded(Text(result));

        Assert.That(text, Does.Contain($"UID:{e.Id:D}\r\n"));
        Assert.That(text, Does.Contain("SUMMARY:Cancelled: Webinar on labour exploitation\r\n"));
        Assert.That(text, Does.Contain("STATUS:CANCELLED\r\nTRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n"));
        var seen = (await Parsers.BothAsync(result.Bytes)).Event(e.Id);
        Assert.That(seen.Status, Is.EqualTo("CANCELLED"));
    }

    [Test]
    public void Online_events_lead_with_the_join_link_and_name_organizers_without_ORGANIZER_or_ATTENDEE()
    {
        var e = Timed("Webinar", "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0));
        var text = Unfolded(Text(IcsWriter.Feed([e], Header, Options)));

        Assert.That(text, Does.Contain("DESCRIPTION:Join online: https://meet.example.org/room?id=1&lang=en\\n\\nRegister: https://example.org/register\\n\\nA webinar."));
        Assert.That(text, Does.Contain("Organised by: La Strada International\\, OSCE"));
        Assert.That(text, Does.Contain("LOCATION:https://meet.example.org/room?id=1&lang=en\r\n"));
        Assert.That(text, Does.Contain("CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.org/room?id=1&lang=en\r\n"));
        Assert.That(text, Does.Contain($"URL;VALUE=URI:https://calendar.example.org/events/{e.Id:D}\r\n"));
        Assert.That(text, Does.Contain("CATEGORIES:labour-exploitation,migration\r\n"));
        Assert.That(text, Does.Contain("SEQUENCE:2\r\n"));
        Assert.That(text, Does.Contain("DTSTAMP:20260301T102030Z\r\nLAST-MODIFIED:20260301T102030Z\r\n"));
        Assert.That(text, Does.Not.Contain("ORGANIZER").And.Not.Contain("ATTENDEE").And.Not.Contain("X-WR-TIMEZONE"));
    }

    [Test]
    public async Task The_single_event_file_names_no_calendar_and_sets_no_refresh_hints()
    {
        var e = Timed("Webinar", "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0));
        var single = IcsWriter.Single(e, Options);
        var text = Text(single);
        var feed = Text(IcsWriter.Feed([e], Header, Options));

        Assert.That(text, Does.Contain("METHOD:PUBLISH\r\n"));
        foreach (var name in new[] { "X-WR-CALNAME", "\r\nNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL" })
        {
            Assert.That(text, Does.Not.Contain(name));
            Assert.That(feed, Does.Contain(name));
        }
        Assert.That(feed, Does.Contain("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n"));
        var vevent = text[text.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal)..];
        Assert.That(feed, Does.Contain(vevent[..vevent.IndexOf("END:VEVENT", StringComparison.Ordinal)]), "same event properties as in feeds");
        Assert.That((await Parsers.BothAsync(single.Bytes)).Events.Single().Uid, Is.EqualTo(e.Id.ToString("D")));
    }

    [Test]
    public async Task An_empty_feed_is_a_valid_calendar_without_events()
    {
        var result = IcsWriter.Feed([], Header, Options);
        var text = Text(result);

        Assert.That(text, Does.StartWith("BEGIN:VCALENDAR\r\n").And.EndWith("END:VCALENDAR\r\n"));
        var seen = await Parsers.BothAsync(result.Bytes);
        Assert.That(seen.Events, Is.Empty);
        Assert.That(seen.Name, Is.EqualTo(Header.Name));
    }

    [Test]
    public void Equal_data_gives_equal_bytes()
    {
        var events = new[] { Timed("A", "Europe/Brussels", new DateTime(2026, 5, 6, 14, 0, 0)), AllDay("B", new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 2)) };
        Assert.That(IcsWriter.Feed(events, Header, Options).Bytes, Is.EqualTo(IcsWriter.Feed(events, Header, Options).Bytes));
    }

    [Test]
    public void An_UNTIL_is_written_in_the_form_its_DTSTART_needs()
    {
        var timed = Timed("Weekly", "Europe/Brussels", new DateTime(2026, 3, 2, 9, 0, 0), recurrence: "FREQ=WEEKLY;UNTIL=20260601;BYDAY=MO");
        var allDay = AllDay("Yearly", new DateOnly(2026, 7, 30), new DateOnly(2026, 7, 30), recurrence: "FREQ=YEARLY;UNTIL=20300730T000000Z");
        var text = Unfolded(Text(IcsWriter.Feed([timed, allDay], Header, Options)));

        Assert.That(text, Does.Contain("RRULE:FREQ=WEEKLY;UNTIL=20260601T215959Z;BYDAY=MO\r\n"));
        Assert.That(text, Does.Contain("RRULE:FREQ=YEARLY;UNTIL=20300730\r\n"));
    }

    [Test]
    public async Task A_feed_of_long_non_Latin_descriptions_stays_under_1_MB_and_keeps_every_event()
    {
        // 120 events with 10,000-character Cyrillic descriptions: about 2.4 MB in full.
        var description = string.Concat(Enumerable.Repeat("Борьба с торговлей людьми: семинар для сотрудников НПО. ", 180))[..10_000];
        var events = Enumerable.Range(0, 120)
            .Select(i => Timed($"Семинар {i}", "Europe/Kyiv", new DateTime(2026, 5, 6, 9, 0, 0).AddDays(i), description: description))
            .ToList();
        var full = IcsWriter.Feed(events, Header, Options);
        var budgeted = FeedRenderer.Render(events, Header, Options);

        Assert.That(full.Bytes.Length, Is.GreaterThan(2_000_000), "the full text would be too large");
        Assert.That(budgeted.Bytes.Length, Is.LessThan(1_000_000));
        var seen = await Parsers.BothAsync(budgeted.Bytes);
        Assert.That(seen.Events.Select(e => e.Uid), Is.EqualTo(events.Select(e => e.Id.ToString("D"))));
        Assert.That(seen.Events[0].Description, Does.Contain("Борьба с торговлей людьми").And.Contain("full description on the event page"));
    }
}
