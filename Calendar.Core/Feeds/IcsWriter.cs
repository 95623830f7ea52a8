using System.Globalization;
using Calendar.Core.Events;
using NodaTime;

namespace Calendar.Core.Feeds;

/// <summary>What a feed says about itself (X-WR-CALNAME, NAME, X-WR-CALDESC).</summary>
public sealed record FeedHeader(string Name, string Description);

/// <summary>Options of one rendering.</summary>
public sealed record IcsOptions
{
    /// <summary>Absolute base of event pages (URL property, "Event page" line), e.g. https://calendar.example.org.</summary>
    public required string BaseUrl { get; init; }
    /// <summary>Descriptions longer than this many characters are cut, with a pointer to the event page.</summary>
    public int? MaxDescriptionChars { get; init; }
}

/// <summary>The bytes of a rendering and how many of them are user descriptions (for the size budget).</summary>
public sealed record IcsResult(byte[] Bytes, int DescriptionBytes, int Events);

/// <summary>
/// Writes iCalendar (RFC 5545 with RFC 7986 additions) by hand: Ical.Net is 19-57x slower on a feed's hot path
/// (PERFORMANCE.md), so it serves only for parsing, RRULE checks and tests. What each property is for, and which
/// client needs it, is in ICAL-INTEROP.md; the SPEC's "Feeds" is the contract.
/// </summary>
public static class IcsWriter
{
    public const string ProductId = "-//Anti-trafficking events calendar//Feeds 1.0//EN";
    public const string CancelledPrefix = "Cancelled: ";

    /// <summary>A subscribed feed: named, with refresh hints, one VTIMEZONE per zone used.</summary>
    public static IcsResult Feed(IReadOnlyList<Event> events, FeedHeader header, IcsOptions options) =>
        Write(events, header, options);

    /// <summary>The single-event file: no calendar name or refresh hints (Outlook would make a new calendar of it).</summary>
    public static IcsResult Single(Event e, IcsOptions options) => Write([e], null, options);

    private static IcsResult Write(IReadOnlyList<Event> events, FeedHeader? header, IcsOptions options)
    {
        using var ics = new IcsBuffer(Math.Max(8 * 1024, events.Count * 1200));
        ics.Line("BEGIN", "VCALENDAR");
        ics.Line("VERSION", "2.0");
        ics.Line("PRODID", ProductId);
        ics.Line("CALSCALE", "GREGORIAN");
        ics.Line("METHOD", "PUBLISH");
        if (header is not null)
        {
            ics.TextLine("X-WR-CALNAME", header.Name);
            ics.TextLine("NAME", header.Name);
            ics.TextLine("X-WR-CALDESC", header.Description);
            ics.TextLine("DESCRIPTION", header.Description);
            ics.Line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
            ics.Line("X-PUBLISHED-TTL", "PT1H");
        }

        var zones = ZonesOf(events);
        foreach (var (_, text) in zones.OrderBy(z => z.Key, StringComparer.Ordinal))
            if (text is not null) ics.Raw(text);

        var descriptionBytes = 0;
        foreach (var e in events)
        {
            var zoned = !e.AllDay && e.TimeZone is not null && zones.GetValueOrDefault(e.TimeZone) is not null;
            descriptionBytes += Event(ics, e, zoned, options);
        }
        ics.Line("END", "VCALENDAR");
        return new IcsResult(ics.ToArray(), descriptionBytes, events.Count);
    }

    /// <summary>Each zone used by a timed event, with its VTIMEZONE over the years its events touch (null: write UTC).</summary>
    private static Dictionary<string, string?> ZonesOf(IReadOnlyList<Event> events)
    {
        var years = new Dictionary<string, (int From, int To)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.AllDay || e.TimeZone is null || e.StartsLocal is null) continue;
            var from = e.StartsLocal.Value.Year;
            var to = e.Recurrence is null ? e.EndsLocal?.Year ?? from
                : e.SeriesEndsAt is { } end ? end.Year + 1 : Math.Max(from, 2040);
            years[e.TimeZone] = years.TryGetValue(e.TimeZone, out var seen)
                ? (Math.Min(seen.From, from), Math.Max(seen.To, to))
                : (from, to);
        }
        return years.ToDictionary(z => z.Key, z => VTimeZones.For(z.Key, z.Value.From, z.Value.To), StringComparer.Ordinal);
    }

    private static int Event(IcsBuffer ics, Event e, bool zoned, IcsOptions options)
    {
        var cancelled = e.Status == EventStatus.Cancelled;
        var free = cancelled || e.Kind is "world-day" or "deadline";
        var pageUrl = $"{options.BaseUrl.TrimEnd('/')}/events/{e.Id:D}";

        ics.Line("BEGIN", "VEVENT");
        ics.Line("UID", e.Id.ToString("D"));
        ics.Name("DTSTAMP").DateTime(Utc(e.UpdatedAt), utc: true).End();
        ics.Name("LAST-MODIFIED").DateTime(Utc(e.UpdatedAt), utc: true).End();
        ics.Name("CREATED").DateTime(Utc(e.CreatedAt), utc: true).End();
        ics.Name("SEQUENCE").Number(e.Sequence).End();
        ics.Name("SUMMARY");
        if (cancelled) ics.Text(CancelledPrefix);
        ics.Text(e.Title).End();

        if (e.AllDay)
        {
            ics.Name("DTSTART;VALUE=DATE").Date(e.StartsOn!.Value).End();
            ics.Name("DTEND;VALUE=DATE").Date(e.EndsOn!.Value.AddDays(1)).End();
        }
        else if (zoned)
        {
            ics.Name("DTSTART;TZID=" + e.TimeZone).DateTime(e.StartsLocal!.Value, utc: false).End();
            ics.Name("DTEND;TZID=" + e.TimeZone).DateTime(e.EndsLocal!.Value, utc: false).End();
        }
        else
        {
            ics.Name("DTSTART").DateTime(Utc(e.StartsAt), utc: true).End();
            ics.Name("DTEND").DateTime(Utc(e.EndsAt), utc: true).End();
        }
        if (e.Recurrence is not null) ics.Line("RRULE", RuleFor(e));
        if (e.AllDay) ics.Line("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE");

        ics.Line("STATUS", e.Status switch { EventStatus.Cancelled => "CANCELLED", EventStatus.Tentative => "TENTATIVE", _ => "CONFIRMED" });
        ics.Line("TRANSP", free ? "TRANSPARENT" : "OPAQUE");
        ics.Line("X-MICROSOFT-CDO-BUSYSTATUS", free ? "FREE" : e.Status == EventStatus.Tentative ? "TENTATIVE" : "BUSY");

        if (Place.ForCalendar(e, alsoOnline: " (and online)") is { } location) ics.TextLine("LOCATION", location);

        ics.Name("DESCRIPTION");
        var first = true;
        void Paragraph(string text)
        {
            if (!first) ics.Text("\n\n");
            ics.Text(text);
            first = false;
        }
        if (cancelled) Paragraph("This event has been cancelled.");
        if (e.JoinUrl is not null) Paragraph("Join online: " + e.JoinUrl);
        if (e.RegistrationUrl is not null) Paragraph("Register: " + e.RegistrationUrl);
        var userTextStart = ics.Length;
        if (e.Description.Length > 0)
        {
            if (options.MaxDescriptionChars is { } max && e.Description.Length > max)
                Paragraph(Cut(e.Description, max) + "… (full description on the event page)");
            else
                Paragraph(e.Description);
        }
        var userBytes = ics.Length - userTextStart;
        if (e.MoreInfoUrl is not null) Paragraph("More information: " + e.MoreInfoUrl);
        if (e.Organizers.Length > 0) Paragraph("Organised by: " + string.Join(", ", e.Organizers));
        Paragraph("Event page: " + pageUrl);
        ics.End();

        ics.Name("URL;VALUE=URI").Ascii(pageUrl).End();
        if (e.JoinUrl is not null) ics.Name("CONFERENCE;VALUE=URI;FEATURE=VIDEO").Ascii(e.JoinUrl).End();
        if (e.Tags.Length > 0)
        {
            ics.Name("CATEGORIES");
            for (var i = 0; i < e.Tags.Length; i++)
            {
                if (i > 0) ics.Ascii(",");
                ics.Text(e.Tags[i]);
            }
            ics.End();
        }
        ics.Line("END", "VEVENT");
        return userBytes;
    }


    private static string Cut(string text, int max)
    {
        if (max <= 0) return "";
        var end = Math.Min(max, text.Length);
        if (end < text.Length && char.IsLowSurrogate(text[end])) end--;
        return text[..end].TrimEnd();
    }

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>The stored RRULE with UNTIL in the form RFC 5545 requires for this DTSTART: a DATE for all-day
    /// events, a UTC date-time for timed ones (a date or local time is read in the event's zone).</summary>
    internal static string RuleFor(Event e)
    {
        var rule = e.Recurrence!;
        var at = rule.IndexOf("UNTIL=", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return rule;
        var end = rule.IndexOf(';', at);
        var value = end < 0 ? rule[(at + 6)..] : rule[(at + 6)..end];
        var rest = end < 0 ? "" : rule[end..];
        string until;
        if (e.AllDay)
        {
            until = value.Length >= 8 ? value[..8] : value;
        }
        else if (value.EndsWith('Z') || value.EndsWith('z'))
        {
            until = value.ToUpperInvariant();
        }
        else
        {
            var local = value.Length == 8 && DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d.AddDays(1).AddSeconds(-1)
                : DateTime.TryParseExact(value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : (DateTime?)null;
            if (local is null) return rule;
            var zone = TimeZones.Find(e.TimeZone);
            var instant = zone is null ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(local.Value, DateTimeKind.Utc))
                : TimeZones.ToInstantLenient(LocalDateTime.FromDateTime(local.Value), zone);
            until = instant.ToDateTimeUtc().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        }
        return rule[..(at + 6)] + until + rest;
    }
}
