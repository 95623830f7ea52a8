using NodaTime;

namespace Calendar.Core.Events;

/// <summary>One occurrence of an event: the event itself for a one-off, one date of a series otherwise.
/// <see cref="StartsAt"/>/<see cref="EndsAt"/> are the sort keys (instants; all-day dates at UTC midnight,
/// end exclusive), as in the database.</summary>
public sealed record Occurrence(Event Event, DateTime StartsAt, DateTime EndsAt,
    DateOnly? StartsOn, DateOnly? EndsOn, DateTime? StartsLocal, DateTime? EndsLocal)
{
    public static Occurrence Single(Event e) =>
        new(e, e.StartsAt, e.EndsAt, e.StartsOn, e.EndsOn, e.StartsLocal, e.EndsLocal);
}

/// <summary>Position in a list ordered by (start, event id); the keyset behind cursors.</summary>
public readonly record struct ListPosition(DateTime StartsAt, Guid Id)
{
    public bool IsBefore(DateTime startsAt, Guid id) =>
        StartsAt < startsAt || (StartsAt == startsAt && Id.CompareTo(id) < 0);
}

public static class Occurrences
{
    /// <summary>
    /// The occurrences of a series that overlap [from, to) and come after <paramref name="after"/>, in order,
    /// at most <paramref name="max"/>.
    /// </summary>
    public static IEnumerable<Occurrence> Expand(Event e, DateTime from, DateTime? to, ListPosition? after, int max)
    {
        if (e.Recurrence is null)
        {
            var single = Occurrence.Single(e);
            if (single.EndsAt > from && (to is null || single.StartsAt < to) && (after is null || after.Value.IsBefore(single.StartsAt, e.Id)))
                yield return single;
            yield break;
        }

        var zone = e.AllDay ? null : TimeZones.Find(e.TimeZone);
        if (!e.AllDay && zone is null) yield break;
        LocalDateTime firstLocal;
        Period span;
        if (e.AllDay)
        {
            firstLocal = LocalDate.FromDateOnly(e.StartsOn!.Value).AtMidnight();
            span = Period.FromDays(e.EndsOn!.Value.DayNumber - e.StartsOn.Value.DayNumber + 1);
        }
        else
        {
            firstLocal = LocalDateTime.FromDateTime(e.StartsLocal!.Value);
            span = Period.Between(firstLocal, LocalDateTime.FromDateTime(e.EndsLocal!.Value));
        }

        // Start looking a little before the window in wall-clock terms: an occurrence that began before
        // `from` may still be running. Two days cover any offset; the span covers the event's length.
        var lowerBound = after is { } a && a.StartsAt > from ? a.StartsAt : from;
        var searchFrom = LocalDateTime.FromDateTime(lowerBound).Minus(span).PlusDays(-2);

        var count = 0;
        foreach (var localStart in RuleExpander.LocalStarts(e.Recurrence, firstLocal, e.AllDay, zone, searchFrom))
        {
            var localEnd = localStart + span;
            DateTime startsAt, endsAt;
            if (e.AllDay)
            {
                startsAt = TimeZones.MidnightUtc(DateOnly.FromDateTime(localStart.ToDateTimeUnspecified()));
                endsAt = TimeZones.MidnightUtc(DateOnly.FromDateTime(localEnd.ToDateTimeUnspecified()));
            }
            else
            {
                startsAt = TimeZones.ToInstantLenient(localStart, zone!).ToDateTimeUtc();
                endsAt = TimeZones.ToInstantLenient(localEnd, zone!).ToDateTimeUtc();
            }
            if (to is not null && startsAt >= to) yield break;
            if (endsAt <= from || (after is not null && !after.Value.IsBefore(startsAt, e.Id))) continue;

            yield return e.AllDay
                ? new Occurrence(e, startsAt, endsAt,
                    DateOnly.FromDateTime(localStart.ToDateTimeUnspecified()),
                    DateOnly.FromDateTime(localEnd.ToDateTimeUnspecified()).AddDays(-1), null, null)
                : new Occurrence(e, startsAt, endsAt, null, null,
                    localStart.ToDateTimeUnspecified(), localEnd.ToDateTimeUnspecified());
            if (++count >= max) yield break;
        }
    }
}
