using System.Globalization;
using Calendar.Core.Data;
using Calendar.Core.Events;

namespace Calendar.Api.Pages;

/// <summary>
/// The window /past shows and the way to other windows. Without from/to it shows the latest year that has
/// matching events, or, for a search, the whole past; a window never reaches beyond today.
/// </summary>
/// <param name="Months">Months with matching past events, newest first.</param>
/// <param name="Window">The filter with the window actually listed.</param>
public sealed record PastView(IReadOnlyList<MonthCount> Months, EventFilter Window)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static EventFilter WindowFor(EventFilter filter, IReadOnlyList<MonthCount> months, DateTime today)
    {
        var earliest = months.Count == 0 ? (DateTime?)null : Start(months[^1].Year, 1);
        if (filter.From is not null || filter.To is not null)
            return filter with { From = filter.From ?? earliest ?? today.AddYears(-1), To = Min(filter.To ?? today, today) };
        if (months.Count == 0) return filter;
        if (filter.Query is not null) return filter with { From = earliest, To = today };
        var year = months[0].Year;
        return filter with { From = Start(year, 1), To = Min(Start(year + 1, 1), today) };
    }

    public IEnumerable<(int Year, int Count)> Years =>
        Months.GroupBy(m => m.Year).Select(g => (g.Key, g.Sum(m => m.Count)));

    /// <summary>The year the window lies in, when it lies in one.</summary>
    public int? Year => Window is { From: { } from, To: { } to } && from.Year == to.AddTicks(-1).Year ? from.Year : null;

    /// <summary>The month the window is, when it is exactly one (or its part up to today).</summary>
    public int? Month => Window is { From: { } from, To: { } to } && from.Day == 1 && from.TimeOfDay == TimeSpan.Zero
                         && to <= from.AddMonths(1) && to > from.AddMonths(1).AddDays(-31) && from.Month == to.AddTicks(-1).Month
        ? from.Month : null;

    public IEnumerable<(int Month, int Count)> MonthsOfYear =>
        Year is { } y ? Months.Where(m => m.Year == y).OrderBy(m => m.Month).Select(m => (m.Month, m.Count)) : [];

    public string Label => (Year, Month, Window.From, Window.To) switch
    {
        (_, _, null, _) => "",
        ({ } y, { } m, _, _) => $"in {MonthName(y, m)}",
        ({ } y, null, { } from, { } to) when from == Start(y, 1) && (to == Start(y + 1, 1) || to.Year == y) => $"in {y}",
        (_, _, { } from, { } to) => $"from {Display.Day(DateOnly.FromDateTime(from))} to {Display.Day(DateOnly.FromDateTime(to.AddTicks(-1)))}",
        _ => "",
    };

    public static string MonthName(int year, int month) => new DateOnly(year, month, 1).ToString("MMMM yyyy", English);

    public string YearLink(int year) => Link(Start(year, 1), Start(year + 1, 1));

    public string MonthLink(int year, int month) => Link(Start(year, month), Start(year, month).AddMonths(1));

    private string Link(DateTime from, DateTime to) => "/past" + (Window with { From = from, To = to, After = null }).ToQueryString();

    private static DateTime Start(int year, int month) => new(year, month, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
