using System.Text;
using Calendar.Core.Import;

namespace Calendar.Tests.Import;

/// <summary>One rule of the reader per test, on small hand-written feeds.</summary>
public sealed class IcsFeedReaderTests
{
    internal static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    internal static FeedReadOptions Options(string? zone = null) =>
        new(zone, Now, TimeSpan.FromDays(30), TimeSpan.FromDays(400));

    internal static string Feed(string body, string header = "") =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + header + body + "END:VCALENDAR\r\n";

    internal static FeedReadResult Read(string text, string? zone = null) =>
        IcsFeedReader.Read(Encoding.UTF8.GetBytes(text), Options(zone));

    internal static ImportedEvent Only(FeedReadResult result)
    {
        Assert.That(result.Skipped, Is.Empty, string.Join("; ", result.Skipped.Select(s => s.Reason)));
        Assert.That(result.Events, Has.Count.EqualTo(1));
        return result.Events[0];
    }

    [Test]
    public void A_timed_event_in_an_IANA_zone_keeps_its_local_times_and_zone()
    {
        var e = Only(Read(Feed("""
            BEGIN:VEVENT
            UID:one@example.org
            DTSTAMP:20261101T100000Z
            DTSTART;TZID=Europe/Vienna:20270115T093000
            DTEND;TZID=Europe/Vienna:20270115T110000
            SUMMARY:Expert meeting on labour exploitation
            SEQUENCE:3
            END:VEVENT

            """.Replace("\n", "\r\n"))));
        Assert.Multiple(() =>
        {
            Assert.That(e.Key, Is.EqualTo("one@example.org"));
            Assert.That(e.Uid, Is.EqualTo("one@example.org"));
            Assert.That(e.RecurrenceId, Is.Null);
            Assert.That(e.Input.Title, Is.EqualTo("Expert meeting on labour exploitation"));
            Assert.That(e.Input.AllDay, Is.False);
            Assert.That(e.Input.TimeZone, Is.EqualTo("Europe/Vienna"));
            Assert.That(e.Input.StartsAt, Is.EqualTo("2027-01-15T09:30"));
            Assert.That(e.Input.EndsAt, Is.EqualTo("2027-01-15T11:00"));
            Assert.That(e.Sequence, Is.EqualTo(3));
            Assert.That(e.LastModifiedUtc, Is.EqualTo(new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc)));
            Assert.That(e.Cancelled, Is.False);
        });
    }

    [Test]
    public void An_all_day_event_keeps_its_dates_with_the_exclusive_end_made_inclusive()
    {
        var e = Only(Read(Feed("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20270730\r\nDTEND;VALUE=DATE:20270801\r\nSUMMARY:World Day\r\nEND:VEVENT\r\n")));
        Assert.Multiple(() =>
        {
            Assert.That(e.Input.AllDay, Is.True);
            Assert.That(e.Input.StartsOn, Is.EqualTo("2027-07-30"));
            Assert.That(e.Input.EndsOn, Is.EqualTo("2027-07-31"));
            Assert.That(e.Input.TimeZone, Is.Null);
        });
    }

    [Test]
    public void A_UTC_time_is_kept_at_its_instant()
    {
        var e = Only(Read(Feed("BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20270115T080000Z\r\nDTEND:20270115T090000Z\r\nSUMMARY:Webinar\r\nEND:VEVENT\r\n")));
        Assert.That((e.Input.TimeZone, e.Input.StartsAt, e.Input.EndsAt), Is.EqualTo(("UTC", "2027-01-15T08:00", "2027-01-15T09:00")));
    }

    [TestCase("<!DOCTYPE html><html><body>Not found</body></html>")]
    [TestCase("{\"events\": []}")]
    [TestCase("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:cut")]
    [TestCase("")]
    public void What_is_not_a_whole_calendar_is_refused(string text) =>
        Assert.Throws<NotACalendarException>(() => Read(text));
}
