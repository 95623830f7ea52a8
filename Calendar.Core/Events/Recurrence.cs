using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;
using NodaTime;

namespace Calendar.Core.Events;

/// <summary>
/// RRULE handling on Ical.Net's parser and evaluator. Series are expanded in the event's own wall-clock time
/// (floating for Ical.Net) and only then mapped to instants with NodaTime, so a 09:00 weekly webinar stays at
/// 09:00 across daylight-saving changes.
/// </summary>
public static class Recurrence
{
    public const int MaxCount = 1000;
    private static readonly FrequencyType[] Allowed =
        [FrequencyType.Daily, FrequencyType.Weekly, FrequencyType.Monthly, FrequencyType.Yearly];

    /// <summary>Checks a rule against the event's first start; returns a message for the user, or null.</summary>
    public static string? Check(string rule, LocalDateTime firstStart, bool allDay, DateTimeZone? zone)
    {
        RecurrenceRule parsed;
        try
        {
            parsed = new RecurrenceRule(rule);
        }
        catch (Exception)
        {
            return "Must be an RFC 5545 RRULE value such as FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30.";
        }
        if (!Allowed.Contains(parsed.Frequency))
            return "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.";
        if (parsed.Interval is < 1 or > 100)
            return "INTERVAL must be between 1 and 100.";
        if (parsed.Count is { } count && (count < 1 || count > MaxCount))
            return $"COUNT must be between 1 and {MaxCount}.";
        if (parsed.Count is not null && parsed.Until is not null)
            return "COUNT and UNTIL cannot both be given.";
        if (parsed.BySecond.Count > 0 || parsed.ByMinute.Count > 0 || parsed.ByHour.Count > 0)
            return "BYHOUR, BYMINUTE and BYSECOND are not supported: give the time in startsAt.";

        List<LocalDateTime> first;
        try
        {
            first = LocalStarts(rule, firstStart, allDay, zone, from: null).Take(2).ToList();
        }
        catch (Exception)
        {
            return "The rule cannot be evaluated from this start.";
        }
        if (first.Count == 0 || first[0] != firstStart)
            return allDay
                ? "The start date must itself be an occurrence of the rule (e.g. 30 July for BYMONTH=7;BYMONTHDAY=30)."
                : "The start must itself be an occurrence of the rule.";
        return null;
    }

    /// <summary>UNTIL on the series' wall clock: a UTC value (RFC 5545's form for zoned starts) converted into the
    /// zone, any other value read as it stands.</summary>
    internal static LocalDateTime UntilAsLocal(DateTime until, bool isUtc, DateTimeZone? zone) =>
        isUtc && zone is not null
            ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(until, DateTimeKind.Utc)).InZone(zone).LocalDateTime
            : LocalDateTime.FromDateTime(until);

    /// <summary>Wall-clock starts of the series in order, beginning at or after <paramref name="from"/>.</summary>
    public static IEnumerable<LocalDateTime> LocalStarts(string rule, LocalDateTime firstStart, bool allDay,
        DateTimeZone? zone, LocalDateTime? from)
    {
        var pattern = new RecurrenceRule(rule);
        if (pattern.Until is { } until)
        {
            // RFC 5545 wants UNTIL in UTC for zoned starts; Ical.Net compares floating values, so bring it into
            // the event's wall clock (or to a date for all-day series).
            var local = UntilAsLocal(until.Value, until.IsUtc, zone);
            pattern.Until = allDay
                ? new CalDateTime(DateOnly.FromDateTime(local.ToDateTimeUnspecified()))
                : new CalDateTime(local.ToDateTimeUnspecified(), null, true);
        }

        var calendarEvent = new CalendarEvent
        {
            DtStart = allDay
                ? new CalDateTime(DateOnly.FromDateTime(firstStart.ToDateTimeUnspecified()))
                : new CalDateTime(firstStart.ToDateTimeUnspecified(), null, true),
            RecurrenceRule = pattern,
        };
        CalDateTime? start = from is { } f && f > firstStart
            ? (allDay ? new CalDateTime(DateOnly.FromDateTime(f.ToDateTimeUnspecified()))
                      : new CalDateTime(f.ToDateTimeUnspecified(), null, true))
            : null;
        var options = new EvaluationOptions { MaxUnmatchedIncrementsLimit = 5000 };
        foreach (var occurrence in calendarEvent.GetOccurrences(start, options))
        {
            var value = occurrence.Period.StartTime;
            yield return allDay
                ? LocalDate.FromDateOnly(value.Date).AtMidnight()
                : LocalDateTime.FromDateTime(value.Value);
        }
    }
}
