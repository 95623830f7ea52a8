using System.Globalization;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using NodaTime;
using NodaTime.TimeZones;
using Duration = NodaTime.Duration;

namespace Calendar.Core.Import;

/// <summary>
/// The wall clock a feed's local times are written in: an IANA zone, the feed's own VTIMEZONE rules, or a fixed
/// offset. Local times follow RFC 5545 3.3.5: a time that occurs twice means the first, a time skipped by a
/// jump is read with the offset from before the jump.
/// </summary>
public abstract class SourceZone
{
    /// <summary>How the report and the notes name it.</summary>
    public abstract string Label { get; }

    public abstract Offset OffsetAt(Instant instant);

    public abstract Instant ToInstant(LocalDateTime local);

    /// <summary>IANA zones whose names say they are meant (the zone itself, a Windows name's mapping, a city in an
    /// Outlook display name, X-LIC-LOCATION), best first. They are still checked against <see cref="OffsetAt"/>.</summary>
    public IReadOnlyList<DateTimeZone> Hints { get; init; } = [];

    public static SourceZone Of(DateTimeZone zone) => new IanaZone(zone);
}

public sealed class IanaZone(DateTimeZone zone) : SourceZone
{
    public DateTimeZone Zone { get; } = zone;
    public override string Label => Zone.Id;
    public override Offset OffsetAt(Instant instant) => Zone.GetUtcOffset(instant);
    public override Instant ToInstant(LocalDateTime local) => Zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant();
}

/// <summary>
/// A VTIMEZONE evaluated from its own observances (DTSTART, TZOFFSETFROM, TZOFFSETTO, RRULE, RDATE), as ical.js
/// and Outlook do, so that a zone the file invents ("Custom", "GMT+1 Standard Time", old Outlook rules) still
/// gives the instants the producer meant.
/// </summary>
public sealed class VTimeZoneRules : SourceZone
{
    private readonly string tzid;
    private readonly List<(Instant At, Offset From, Offset To)> transitions;
    private readonly Offset initial;

    private VTimeZoneRules(string tzid, List<(Instant, Offset, Offset)> transitions, Offset initial)
    {
        this.tzid = tzid;
        this.transitions = transitions;
        this.initial = initial;
    }

    public override string Label => $"the feed's VTIMEZONE \"{tzid}\"";

    /// <summary>Reads the observances; null when the component has none that can be read.</summary>
    public static VTimeZoneRules? Read(RawComponent vtimezone, string tzid, int untilYear)
    {
        var list = new List<(Instant, Offset, Offset)>();
        foreach (var observance in vtimezone.Children.Where(c => c.Name is "STANDARD" or "DAYLIGHT"))
        {
            if (ParseOffset(observance.Value("TZOFFSETTO")) is not { } to) continue;
            var from = ParseOffset(observance.Value("TZOFFSETFROM")) ?? to;
            if (ParseLocal(observance.Value("DTSTART")) is not { } start) continue;
            var onsets = new List<LocalDateTime> { start };
            foreach (var (_, value) in observance.Properties("RDATE"))
            {
                foreach (var item in value.Split(','))
                {
                    var part = item.Split('/')[0];
                    if (ParseLocal(part) is { } local) onsets.Add(local);
                    else if (ParseUtc(part) is { } utc) onsets.Add(utc.Plus(Duration.FromSeconds(from.Seconds)).InUtc().LocalDateTime);
                }
            }
            foreach (var (_, value) in observance.Properties("RRULE"))
                onsets.AddRange(Expand(value, start, from, untilYear));
            foreach (var onset in onsets.Distinct())
                list.Add((onset.InZoneStrictly(DateTimeZone.ForOffset(from)).ToInstant(), from, to));
        }
        if (list.Count == 0) return null;
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return new VTimeZoneRules(tzid, list, list[0].Item2);
    }

    private static List<LocalDateTime> Expand(string rrule, LocalDateTime start, Offset from, int untilYear)
    {
        RecurrenceRule rule;
        try { rule = new RecurrenceRule(rrule.Trim()); }
        catch (Exception) { return []; }
        LocalDateTime? until = null;
        if (rule.Until is { } u)
        {
            // UNTIL of an observance is in UTC (or, from sloppy producers, local): bring it to the wall clock the
            // onsets are written in.
            var value = u.HasTime ? LocalDateTime.FromDateTime(u.Value) : LocalDate.FromDateOnly(u.Date).At(new LocalTime(23, 59, 59));
            until = u.IsUtc ? value.PlusSeconds(from.Seconds) : value;
            rule.Until = null;
        }
        // Outlook starts its rules in 1601, eM Client in year 1: a yearly rule without COUNT gives the same onsets
        // from a later start, and evaluating five centuries of them would cost more than the feed.
        if (rule.Frequency == Ical.Net.FrequencyType.Yearly && rule.Count is null && rule.Interval <= 1 && start.Year < 1900)
            start = new LocalDateTime(1900, 1, 1, start.Hour, start.Minute, start.Second);
        var evt = new CalendarEvent { DtStart = new CalDateTime(start.ToDateTimeUnspecified(), null, true), RecurrenceRule = rule };
        try
        {
            return evt.GetOccurrences(null, new Ical.Net.Evaluation.EvaluationOptions { MaxUnmatchedIncrementsLimit = 1000 })
                .Select(o => LocalDateTime.FromDateTime(o.Period.StartTime.Value))
                .TakeWhile(local => local.Year <= untilYear && (until is not { } limit || local <= limit))
                .Take(2000)
                .ToList();
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <summary>The instants, between two others, at which the offset changes.</summary>
    public IEnumerable<Instant> Transitions(Instant from, Instant to) =>
        transitions.Where(t => t.At >= from && t.At <= to && t.From != t.To).Select(t => t.At);

    public override Offset OffsetAt(Instant instant)
    {
        // Transitions are few (two a year), so a scan from the end is cheap and simple.
        for (var i = transitions.Count - 1; i >= 0; i--)
        {
            if (transitions[i].At <= instant) return transitions[i].To;
        }
        return initial;
    }

    public override Instant ToInstant(LocalDateTime local)
    {
        // Candidate offsets are those in force around the local time; the first that maps back to itself wins
        // (the earlier of an ambiguous pair); none means a gap, read with the offset from before it.
        var asUtc = local.InUtc().ToInstant();
        var before = OffsetAt(asUtc - Duration.FromDays(1));
        var after = OffsetAt(asUtc + Duration.FromDays(1));
        Instant? best = null;
        foreach (var offset in new[] { before, after }.Distinct())
        {
            var instant = asUtc - Duration.FromSeconds(offset.Seconds);
            if (OffsetAt(instant) == offset && (best is null || instant < best)) best = instant;
        }
        return best ?? asUtc - Duration.FromSeconds(before.Seconds);
    }

    internal static Offset? ParseOffset(string? value)
    {
        if (value is null) return null;
        var v = value.Trim().Replace(":", "");
        if (v.Length is not (5 or 7) || v[0] is not ('+' or '-')) return null;
        if (!int.TryParse(v.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(v.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return null;
        var s = v.Length == 7 && int.TryParse(v.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var sec) ? sec : 0;
        var total = h * 3600 + m * 60 + s;
        if (total > 18 * 3600) return null;
        return Offset.FromSeconds(v[0] == '-' ? -total : total);
    }

    private static LocalDateTime? ParseLocal(string? value)
    {
        if (value is null) return null;
        var v = value.Trim();
        if (v.EndsWith('Z')) return null;
        if (DateTime.TryParseExact(v, ["yyyyMMdd'T'HHmmss", "yyyyMMdd'T'HHmm", "yyyyMMdd"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var dt))
            return LocalDateTime.FromDateTime(dt);
        return null;
    }

    private static Instant? ParseUtc(string value)
    {
        var v = value.Trim();
        if (!v.EndsWith('Z')) return null;
        return DateTime.TryParseExact(v[..^1], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)
            ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(dt, DateTimeKind.Utc))
            : null;
    }
}

public sealed class FixedOffsetZone(Offset offset, string label) : SourceZone
{
    public Offset Offset { get; } = offset;
    public override string Label => label;
    public override Offset OffsetAt(Instant instant) => Offset;
    public override Instant ToInstant(LocalDateTime local) => local.InZoneStrictly(DateTimeZone.ForOffset(Offset)).ToInstant();
}
