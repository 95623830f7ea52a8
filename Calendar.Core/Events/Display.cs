using System.Globalization;
using NodaTime;

namespace Calendar.Core.Events;

/// <summary>
/// How people read dates, places and links, on pages, in RSS/Atom items and newsletters. The server writes times in the event's own zone; a small script
/// (site.js) adds the reader's zone from the machine-readable &lt;time datetime&gt; values.
/// </summary>
public static class Display
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The value of &lt;time datetime&gt;: a date for all-day, a UTC instant otherwise.</summary>
    public static string MachineStart(Occurrence o) =>
        o.Event.AllDay ? Iso(o.StartsOn!.Value) : o.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? MachineEnd(Occurrence o) =>
        o.Event.AllDay ? null : o.EndsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"Thu 30 Jul 2026", "Wed 10 – Fri 12 Jun 2030", "Tue 6 May 2030, 14:00–15:30 CEST".</summary>
    public static string When(Occurrence o)
    {
        if (o.Event.AllDay)
        {
            var (start, end) = (o.StartsOn!.Value, o.EndsOn!.Value);
            if (start == end) return Day(start);
            return start.Year == end.Year
                ? $"{start.ToString("ddd d MMM", English)} – {Day(end)}"
                : $"{Day(start)} – {Day(end)}";
        }
        var (from, to) = (o.StartsLocal!.Value, o.EndsLocal!.Value);
        var zone = ZoneAbbreviation(o);
        var times = from.Date == to.Date
            ? $"{Day(DateOnly.FromDateTime(from))}, {from.ToString("HH:mm", English)}–{to.ToString("HH:mm", English)}"
            : $"{Day(DateOnly.FromDateTime(from))}, {from.ToString("HH:mm", English)} – {Day(DateOnly.FromDateTime(to))}, {to.ToString("HH:mm", English)}";
        return zone is null ? times : $"{times} {zone}";
    }

    /// <summary>The zone's abbreviation at the start (CEST), or its IANA name where the data has only an offset.</summary>
    public static string? ZoneAbbreviation(Occurrence o)
    {
        if (TimeZones.Find(o.Event.TimeZone) is not { } zone) return null;
        var name = zone.GetZoneInterval(Instant.FromDateTimeUtc(DateTime.SpecifyKind(o.StartsAt, DateTimeKind.Utc))).Name;
        return name.StartsWith('+') || name.StartsWith('-') ? $"({o.Event.TimeZone})" : name;
    }

    public static string Day(DateOnly date) => date.ToString("ddd d MMM yyyy", English);

    public static string Month(Occurrence o)
    {
        var date = o.Event.AllDay ? o.StartsOn!.Value : DateOnly.FromDateTime(o.StartsLocal!.Value);
        return new DateOnly(date.Year, date.Month, 1).ToString("MMMM yyyy", English);
    }

    public static string CountryName(string code) => Vocabulary.CountryName(code);

    public static string KindLabel(string kind) => kind switch
    {
        "world-day" => "World day",
        _ => char.ToUpperInvariant(kind[0]) + kind[1..],
    };

    /// <summary>A link to the home page filtered by one value, e.g. /?tag=migration.</summary>
    public static string FilterLink(string name, string value) => $"/?{name}={Uri.EscapeDataString(value)}";

    /// <summary>Only absolute http(s) URLs become links (the validator already ensures it; this is the last guard).</summary>
    public static string? SafeUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;

    public static string Repeats(string? rule)
    {
        if (rule is null) return "";
        var freq = rule.Split(';').Select(p => p.Split('=')).FirstOrDefault(p => p.Length == 2 && p[0] == "FREQ")?[1];
        return freq switch
        {
            "YEARLY" => "Every year",
            "MONTHLY" => "Every month",
            "WEEKLY" => "Every week",
            "DAILY" => "Every day",
            _ => "Repeats",
        };
    }
}
