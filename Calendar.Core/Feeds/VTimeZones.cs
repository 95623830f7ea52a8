using System.Globalization;
using System.Text;
using Calendar.Core.Events;
using NodaTime;

namespace Calendar.Core.Feeds;

/// <summary>
/// VTIMEZONE components built from NodaTime's tzdb as yearly RRULE observances, the form Outlook reads
/// (it misreads RDATE lists, and Ical.Net's historical form writes those). The years the events use are
/// checked transition by transition: a zone whose transitions in those years cannot be written as a few
/// yearly rules (Africa/Casablanca, which follows Ramadan) gets no VTIMEZONE, and its events are written in UTC.
/// </summary>
public static class VTimeZones
{
    private const int MaxSegments = 3;

    /// <summary>The VTIMEZONE text (CRLF lines, unfolded: all lines are short ASCII) for the zone over the
    /// given years, or null when a yearly rule cannot express the zone there.</summary>
    public static string? For(string zoneId, int fromYear, int toYear)
    {
        fromYear = Math.Clamp(fromYear, 1900, 2200);
        toYear = Math.Clamp(Math.Max(toYear, fromYear), fromYear, fromYear + 80);
        // Built per rendering, once per zone: renderings are cached whole (FeedCache), so a memo here would only be state.
        return Build(zoneId, fromYear, toYear);
    }

    private sealed record Transition(LocalDateTime Local, Instant Instant, Offset From, Offset To, bool Daylight, string Name);

    private sealed record Rule(int Month, LocalTime Time, Offset From, Offset To, bool Daylight, string Name, HashSet<string> Days);

    private static string? Build(string zoneId, int fromYear, int toYear)
    {
        var zone = TimeZones.Find(zoneId);
        if (zone is null) return null;

        // One entry per year: that year's transitions (start of range one year early, so the first events'
        // months are preceded by a transition of their own rule).
        var years = new List<(int Year, List<Transition> Transitions)>();
        for (var year = fromYear - 1; year <= toYear + 1; year++)
        {
            var start = Instant.FromUtc(year, 1, 1, 0, 0);
            var end = Instant.FromUtc(year + 1, 1, 1, 0, 0);
            var list = new List<Transition>();
            foreach (var interval in zone.GetZoneIntervals(start, end))
            {
                if (!interval.HasStart || interval.Start < start || interval.Start >= end) continue;
                var before = zone.GetZoneInterval(interval.Start - Duration.Epsilon);
                if (before.WallOffset == interval.WallOffset) continue; // a name or savings split, not a change of clock
                list.Add(new Transition(interval.Start.WithOffset(before.WallOffset).LocalDateTime, interval.Start,
                    before.WallOffset, interval.WallOffset, interval.Savings != Offset.Zero, interval.Name));
            }
            if (list.Count > 2) return null;
            years.Add((year, list));
        }

        // Maximal runs of consecutive years that follow the same rules.
        var segments = new List<(int FirstYear, int LastYear, List<Rule> Rules, List<Transition> First, List<Transition> Last)>();
        foreach (var (year, transitions) in years)
        {
            var rules = transitions.Select(ToRule).ToList();
            if (segments.Count > 0 && segments[^1].LastYear == year - 1 && Compatible(segments[^1].Rules, rules))
            {
                var s = segments[^1];
                for (var i = 0; i < rules.Count; i++) s.Rules[i].Days.IntersectWith(rules[i].Days);
                segments[^1] = (s.FirstYear, year, s.Rules, s.First, transitions);
            }
            else
            {
                segments.Add((year, year, rules, transitions, transitions));
            }
        }
        if (segments.Count(s => s.Rules.Count > 0) > MaxSegments) return null;

        var text = new StringBuilder();
        text.Append("BEGIN:VTIMEZONE\r\nTZID:").Append(zoneId).Append("\r\nX-LIC-LOCATION:").Append(zoneId).Append("\r\n");
        for (var index = 0; index < segments.Count; index++)
        {
            var (firstYear, lastYear, rules, first, last) = segments[index];
            var isFirst = index == 0;
            var isLast = index == segments.Count - 1;
            if (rules.Count == 0)
            {
                // No clock change in these years: one onset. The first segment reaches back to 1970 (what
                // clients expect); a later one starts where the previous segment's last change left the clock.
                if (isFirst)
                {
                    var offset = zone.GetUtcOffset(Instant.FromUtc(firstYear, 1, 1, 0, 0));
                    var name = zone.GetZoneInterval(Instant.FromUtc(firstYear, 1, 1, 0, 0)).Name;
                    Observance(text, false, new LocalDateTime(1970, 1, 1, 0, 0), offset, offset, name, null);
                }
                continue;
            }
            if (!isLast && rules.Count > 0 && firstYear == lastYear || rules.Any(r => r.Days.Count == 0))
            {
                // A one-year regime (a zone that changed its rules): each change written once.
                foreach (var t in first) Observance(text, t.Daylight, t.Local, t.From, t.To, t.Name, null);
                continue;
            }
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var day = PreferredDay(rule.Days);
                var onsetYear = isFirst ? 1970 : firstYear;
                var onset = isFirst ? Occurrence(onsetYear, rule.Month, day).At(rule.Time) : first[i].Local;
                var rrule = $"FREQ=YEARLY;BYMONTH={rule.Month.ToString(CultureInfo.InvariantCulture)};{day}";
                if (!isLast) rrule += ";UNTIL=" + last[i].Instant.ToDateTimeUtc().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
                Observance(text, rule.Daylight, onset, rule.From, rule.To, rule.Name, rrule);
            }
        }
        text.Append("END:VTIMEZONE\r\n");
        return text.ToString();
    }

    private static void Observance(StringBuilder text, bool daylight, LocalDateTime onset, Offset from, Offset to, string name, string? rrule)
    {
        var kind = daylight ? "DAYLIGHT" : "STANDARD";
        text.Append("BEGIN:").Append(kind).Append("\r\n")
            .Append("DTSTART:").Append(onset.ToDateTimeUnspecified().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("TZOFFSETFROM:").Append(FormatOffset(from)).Append("\r\n")
            .Append("TZOFFSETTO:").Append(FormatOffset(to)).Append("\r\n");
        if (IsSafeName(name)) text.Append("TZNAME:").Append(name).Append("\r\n");
        if (rrule is not null) text.Append("RRULE:").Append(rrule).Append("\r\n");
        text.Append("END:").Append(kind).Append("\r\n");
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 20 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-');

    internal static string FormatOffset(Offset offset)
    {
        var seconds = offset.Seconds;
        var sign = seconds < 0 ? '-' : '+';
        seconds = Math.Abs(seconds);
        var text = $"{sign}{seconds / 3600:D2}{seconds / 60 % 60:D2}";
        return seconds % 60 == 0 ? text : text + $"{seconds % 60:D2}";
    }

    private static Rule ToRule(Transition t)
    {
        var date = t.Local.Date;
        var dow = Day(date.DayOfWeek);
        var days = new HashSet<string> { $"BYMONTHDAY={date.Day}" };
        var n = (date.Day - 1) / 7 + 1;
        if (n <= 4) days.Add($"BYDAY={n}{dow}");
        if (date.Day > date.Calendar.GetDaysInMonth(date.Year, date.Month) - 7) days.Add($"BYDAY=-1{dow}");
        return new Rule(date.Month, t.Local.TimeOfDay, t.From, t.To, t.Daylight, t.Name, days);
    }

    private static bool Compatible(List<Rule> a, List<Rule> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Month == p.Second.Month && p.First.Time == p.Second.Time && p.First.From == p.Second.From
            && p.First.To == p.Second.To && p.First.Daylight == p.Second.Daylight && p.First.Days.Overlaps(p.Second.Days));

    private static string PreferredDay(HashSet<string> days) =>
        days.FirstOrDefault(d => d.StartsWith("BYDAY=-1", StringComparison.Ordinal))
        ?? days.Where(d => d.StartsWith("BYDAY=", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
        ?? days.First();

    /// <summary>The date in <paramref name="year"/> that the day rule names.</summary>
    private static LocalDate Occurrence(int year, int month, string day)
    {
        if (day.StartsWith("BYMONTHDAY=", StringComparison.Ordinal))
            return new LocalDate(year, month, int.Parse(day[11..], CultureInfo.InvariantCulture));
        var spec = day[6..];
        var weekday = FromDay(spec[^2..]);
        var n = int.Parse(spec[..^2], CultureInfo.InvariantCulture);
        if (n > 0)
        {
            var first = new LocalDate(year, month, 1);
            var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
            return first.PlusDays(offset + 7 * (n - 1));
        }
        var last = new LocalDate(year, month, 1).PlusMonths(1).PlusDays(-1);
        return last.PlusDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7));
    }

    private static string Day(IsoDayOfWeek d) => d switch
    {
        IsoDayOfWeek.Monday => "MO", IsoDayOfWeek.Tuesday => "TU", IsoDayOfWeek.Wednesday => "WE",
        IsoDayOfWeek.Thursday => "TH", IsoDayOfWeek.Friday => "FR", IsoDayOfWeek.Saturday => "SA", _ => "SU",
    };

    private static IsoDayOfWeek FromDay(string d) => d switch
    {
        "MO" => IsoDayOfWeek.Monday, "TU" => IsoDayOfWeek.Tuesday, "WE" => IsoDayOfWeek.Wednesday,
        "TH" => IsoDayOfWeek.Thursday, "FR" => IsoDayOfWeek.Friday, "SA" => IsoDayOfWeek.Saturday, _ => IsoDayOfWeek.Sunday,
    };
}
