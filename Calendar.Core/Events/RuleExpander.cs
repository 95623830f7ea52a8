using System.Collections.Frozen;
using System.Globalization;
using NodaTime;

namespace Calendar.Core.Events;

/// <summary>
/// Expands the RRULE shapes the calendar's events use (DAILY, WEEKLY with plain weekdays, MONTHLY on a day or an
/// nth weekday, YEARLY on a date or an nth weekday of a month; INTERVAL, COUNT, UNTIL) with date arithmetic, jumping
/// straight to the period a list asks for. Any other rule is compiled to null and expanded by Ical.Net
/// (<see cref="Recurrence.LocalStarts"/>), which also validates every rule; tests cross-check the two.
/// </summary>
public sealed class RuleExpander
{
    private enum Frequency { Daily, Weekly, Monthly, Yearly }

    private readonly Frequency _frequency;
    private readonly int _interval;
    private readonly int? _count;
    private readonly LocalDateTime? _until;
    private readonly LocalDateTime _first;
    private readonly IsoDayOfWeek[] _weekdays = [];   // WEEKLY BYDAY, Monday first
    private readonly int _monthDay;                   // MONTHLY/YEARLY day of month, or 0 with _nth
    private readonly int _month;                      // YEARLY month
    private readonly int _nth;                        // MONTHLY/YEARLY BYDAY=nWD: 1..4 or -1
    private readonly IsoDayOfWeek _nthDay;

    private RuleExpander(Frequency frequency, int interval, int? count, LocalDateTime? until, LocalDateTime first,
        IsoDayOfWeek[] weekdays, int monthDay, int month, int nth, IsoDayOfWeek nthDay)
    {
        (_frequency, _interval, _count, _until, _first) = (frequency, interval, count, until, first);
        (_weekdays, _monthDay, _month, _nth, _nthDay) = (weekdays, monthDay, month, nth, nthDay);
    }

    private static readonly FrozenDictionary<string, IsoDayOfWeek> Days = new Dictionary<string, IsoDayOfWeek>(StringComparer.Ordinal)
    {
        ["MO"] = IsoDayOfWeek.Monday, ["TU"] = IsoDayOfWeek.Tuesday, ["WE"] = IsoDayOfWeek.Wednesday, ["TH"] = IsoDayOfWeek.Thursday,
        ["FR"] = IsoDayOfWeek.Friday, ["SA"] = IsoDayOfWeek.Saturday, ["SU"] = IsoDayOfWeek.Sunday,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Wall-clock starts from <paramref name="from"/> on (all of them when null), in order: the fast
    /// expansion when the rule is one of its shapes, Ical.Net's otherwise.</summary>
    public static IEnumerable<LocalDateTime> LocalStarts(string rule, LocalDateTime firstStart, bool allDay, DateTimeZone? zone, LocalDateTime? from) =>
        Compile(rule, firstStart, allDay, zone) is { } fast
            ? fast.StartsFrom(from)
            : Recurrence.LocalStarts(rule, firstStart, allDay, zone, from);

    /// <summary>The rule compiled for fast expansion, or null when it uses anything this class does not handle.</summary>
    public static RuleExpander? Compile(string rule, LocalDateTime firstStart, bool allDay, DateTimeZone? zone)
    {
        Frequency? frequency = null;
        int interval = 1, monthDay = 0, month = 0, nth = 0;
        int? count = null;
        LocalDateTime? until = null;
        IsoDayOfWeek nthDay = IsoDayOfWeek.None;
        string? byDay = null, byMonthDay = null, byMonth = null;
        foreach (var part in rule.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var (name, value) = (part[..eq].ToUpperInvariant(), part[(eq + 1)..].ToUpperInvariant());
            switch (name)
            {
                case "FREQ":
                    frequency = value switch
                    {
                        "DAILY" => Frequency.Daily, "WEEKLY" => Frequency.Weekly, "MONTHLY" => Frequency.Monthly, "YEARLY" => Frequency.Yearly,
                        _ => null,
                    };
                    if (frequency is null) return null;
                    break;
                case "INTERVAL":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out interval) || interval < 1) return null;
                    break;
                case "COUNT":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c < 1) return null;
                    count = c;
                    break;
                case "UNTIL":
                    until = Until(value, allDay, zone);
                    if (until is null) return null;
                    break;
                case "WKST":
                    if (value != "MO") return null;
                    break;
                case "BYDAY": byDay = value; break;
                case "BYMONTHDAY": byMonthDay = value; break;
                case "BYMONTH": byMonth = value; break;
                default: return null;
            }
        }
        if (frequency is not { } f || (count is not null && until is not null)) return null;

        var weekdays = Array.Empty<IsoDayOfWeek>();
        var firstDate = firstStart.Date;
        switch (f)
        {
            case Frequency.Daily:
                if (byDay is not null || byMonthDay is not null || byMonth is not null) return null;
                break;
            case Frequency.Weekly:
                if (byMonthDay is not null || byMonth is not null) return null;
                if (byDay is null) break;
                var set = new SortedSet<IsoDayOfWeek>();
                foreach (var d in byDay.Split(','))
                    if (Days.TryGetValue(d, out var day)) set.Add(day); else return null;
                weekdays = [.. set];
                break;
            case Frequency.Monthly:
                if (byMonth is not null) return null;
                // Days 29-31 are missing from some months (skipped, RFC 5545): left to Ical.Net.
                if (!DayOrNth(byDay, byMonthDay, firstDate, out monthDay, out nth, out nthDay) || monthDay > 28) return null;
                break;
            case Frequency.Yearly:
                month = firstDate.Month;
                if (byMonth is not null && (!int.TryParse(byMonth, NumberStyles.None, CultureInfo.InvariantCulture, out month) || month != firstDate.Month))
                    return null;
                if (byMonth is null && (byDay is not null || byMonthDay is not null)) return null;
                if (!DayOrNth(byDay, byMonthDay, firstDate, out monthDay, out nth, out nthDay)) return null;
                if (month == 2 && monthDay == 29) return null;
                break;
        }
        return new RuleExpander(f, interval, count, until, firstStart, weekdays, monthDay, month, nth, nthDay);
    }

    /// <summary>A day of month up to 28 (so every month has it), or one nth weekday (1st-4th or last).</summary>
    private static bool DayOrNth(string? byDay, string? byMonthDay, LocalDate first, out int monthDay, out int nth, out IsoDayOfWeek nthDay)
    {
        (monthDay, nth, nthDay) = (0, 0, IsoDayOfWeek.None);
        if (byDay is not null)
        {
            if (byMonthDay is not null || byDay.Length < 3 || !Days.TryGetValue(byDay[^2..], out nthDay)
                || !int.TryParse(byDay[..^2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out nth) || nth is not (>= 1 and <= 4 or -1))
                return false;
            return true;
        }
        if (byMonthDay is not null)
            return int.TryParse(byMonthDay, NumberStyles.None, CultureInfo.InvariantCulture, out monthDay) && monthDay == first.Day;
        monthDay = first.Day;
        return true;
    }

    /// <summary>UNTIL as the series' wall clock (UTC values converted into the zone; a date for all-day series),
    /// as <see cref="Recurrence.LocalStarts"/> reads it.</summary>
    private static LocalDateTime? Until(string value, bool allDay, DateTimeZone? zone)
    {
        if (value.Length == 8 && DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return allDay ? LocalDate.FromDateTime(date).AtMidnight() : null;
        var utc = value.EndsWith('Z');
        if (!DateTime.TryParseExact(utc ? value[..^1] : value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return null;
        var local = Recurrence.UntilAsLocal(time, utc, zone);
        return allDay ? local.Date.AtMidnight() : local;
    }

    /// <summary>Starts at or after <paramref name="from"/>, in order, skipping whole periods before it (unless COUNT
    /// needs them counted; COUNT is at most <see cref="Recurrence.MaxCount"/>).</summary>
    public IEnumerable<LocalDateTime> StartsFrom(LocalDateTime? from)
    {
        if (from is { Year: > InputParsing.MaxYear }) yield break;
        var time = _first.TimeOfDay;
        long period = 0;
        if (_count is null && from is { } f && f > _first) period = Math.Max(0, PeriodOf(f.Date) - 1);
        var produced = 0;
        var periodsWithout = 0;
        while (true)
        {
            var any = false;
            foreach (var date in Candidates(period))
            {
                if (date.Year > InputParsing.MaxYear + 1) yield break;
                var start = date.At(time);
                if (start < _first) continue;
                any = true;
                if (_until is { } until && start > until) yield break;
                if (_count is { } count && produced >= count) yield break;
                produced++;
                if (from is null || start >= from) yield return start;
            }
            // Nothing valid for many periods in a row cannot happen with the shapes above; guard anyway.
            periodsWithout = any ? 0 : periodsWithout + 1;
            if (periodsWithout > 100) yield break;
            period++;
        }
    }

    private long PeriodOf(LocalDate date)
    {
        var first = _first.Date;
        return _frequency switch
        {
            Frequency.Daily => Period.Between(first, date, PeriodUnits.Days).Days / _interval,
            Frequency.Weekly => Period.Between(WeekStart(first), WeekStart(date), PeriodUnits.Days).Days / 7 / _interval,
            Frequency.Monthly => ((date.Year - first.Year) * 12L + date.Month - first.Month) / _interval,
            _ => (date.Year - first.Year) / (long)_interval,
        };
    }

    private IEnumerable<LocalDate> Candidates(long period)
    {
        var first = _first.Date;
        switch (_frequency)
        {
            case Frequency.Daily:
                yield return first.PlusDays(checked((int)(period * _interval)));
                break;
            case Frequency.Weekly:
                if (_weekdays.Length == 0) { yield return first.PlusDays(checked((int)(period * _interval * 7))); break; }
                var week = WeekStart(first).PlusDays(checked((int)(period * _interval * 7)));
                foreach (var day in _weekdays) yield return week.PlusDays((int)day - 1);
                break;
            case Frequency.Monthly:
                var month = new LocalDate(first.Year, first.Month, 1).PlusMonths(checked((int)(period * _interval)));
                yield return InMonth(month.Year, month.Month);
                break;
            default:
                yield return InMonth(checked(first.Year + (int)(period * _interval)), _month);
                break;
        }
    }

    private LocalDate InMonth(int year, int month)
    {
        if (_nth == 0) return new LocalDate(year, month, _monthDay);
        if (_nth > 0)
        {
            var firstOfMonth = new LocalDate(year, month, 1);
            return firstOfMonth.PlusDays(((int)_nthDay - (int)firstOfMonth.DayOfWeek + 7) % 7 + (_nth - 1) * 7);
        }
        var last = new LocalDate(year, month, 1).PlusMonths(1).PlusDays(-1);
        return last.PlusDays(-(((int)last.DayOfWeek - (int)_nthDay + 7) % 7));
    }

    private static LocalDate WeekStart(LocalDate date) => date.PlusDays(-((int)date.DayOfWeek - 1));
}
