using System.Globalization;
using Calendar.Core.Events;

namespace Calendar.Core.Import;

/// <summary>
/// A series whose shape changed at the source: the reader keeps a plain series as one item keyed UID, but expands a
/// series with exceptions (EXDATE, RDATE, RECURRENCE-ID overrides) into items keyed UID|RECURRENCE-ID. When a series
/// gains its first exception, or loses its last, the keys change although nothing was called off. Treating that as
/// a disappearance would leave the old event in subscribers' calendars as a "Cancelled:" copy beside the real
/// occurrences (and could trip the vanish hold), so the importer reshapes instead:
/// <list type="bullet">
/// <item>Series to occurrences: the series event is reused for its first upcoming occurrence (same event, same UID in
/// our feeds, SEQUENCE raised by the update), so a subscriber's calendar sees the series shrink to that occurrence
/// and the others appear beside it, never a cancellation. The new occurrences inherit the series' moderation: a
/// series a moderator approved (or rejected) was judged with all its occurrences, so they are not queued again.</item>
/// <item>Occurrences to series: the first upcoming occurrence's event is reused for the series. The other upcoming
/// occurrence events are deleted, not cancelled: they were not called off (SPEC cancels events that were), the
/// series now lists each of them at the same time, and a cancelled copy would show beside it as if it had been
/// called off. Past occurrences are left as they are.</item>
/// </list>
/// </summary>
public sealed class SeriesReshaping
{
    /// <summary>Row key to its new key and RECURRENCE-ID (null for the series).</summary>
    public Dictionary<string, (string Key, string? RecurrenceId)> Moves { get; } = new(StringComparer.Ordinal);

    /// <summary>Occurrence rows a series stands for again; their events are deleted.</summary>
    public HashSet<string> Superseded { get; } = new(StringComparer.Ordinal);

    /// <summary>Series key to the moderation its new occurrences inherit.</summary>
    public Dictionary<string, string> Moderation { get; } = new(StringComparer.Ordinal);

    /// <summary>The series key an item or row belongs to: its key without the "|RECURRENCE-ID" tail.</summary>
    public static string BaseKey(string key, string? recurrenceId) =>
        recurrenceId is not null && key.EndsWith("|" + recurrenceId, StringComparison.Ordinal) ? key[..^(recurrenceId.Length + 1)] : key;

    public static SeriesReshaping Plan(IReadOnlyList<(string Key, string? RecurrenceId, Guid EventId)> rows, IReadOnlyList<ImportedEvent> feed,
        IReadOnlyDictionary<Guid, Event> events, DateTime now)
    {
        var plan = new SeriesReshaping();
        var rowKeys = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var feedKeys = feed.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        var nowKey = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        // Recurrence ids are UTC instants (yyyyMMddTHHmmssZ) or dates (yyyyMMdd); a date counts for its whole day.
        bool Upcoming(string rid) => string.CompareOrdinal(rid, rid.Length == 8 ? nowKey[..8] : nowKey) >= 0;
        bool Live(Guid id) => events.TryGetValue(id, out var e) && (e.SeriesEndsAt ?? DateTime.MaxValue) > now;

        var occurrencesInFeed = feed.Where(i => i.RecurrenceId is not null)
            .ToLookup(i => BaseKey(i.Key, i.RecurrenceId), StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.RecurrenceId is null && !feedKeys.Contains(r.Key)))
        {
            var candidates = occurrencesInFeed[row.Key].Where(i => !i.Cancelled && !rowKeys.Contains(i.Key))
                .OrderBy(i => i.RecurrenceId, StringComparer.Ordinal).ToList();
            var first = candidates.FirstOrDefault(i => Upcoming(i.RecurrenceId!)) ?? candidates.FirstOrDefault();
            if (first is null) continue;
            plan.Moves[row.Key] = (first.Key, first.RecurrenceId);
            if (events.TryGetValue(row.EventId, out var series)) plan.Moderation[row.Key] = series.Moderation;
        }

        var occurrenceRows = rows.Where(r => r.RecurrenceId is not null && !feedKeys.Contains(r.Key))
            .ToLookup(r => BaseKey(r.Key, r.RecurrenceId), StringComparer.Ordinal);
        foreach (var item in feed.Where(i => i.RecurrenceId is null && !rowKeys.Contains(i.Key) && occurrenceRows.Contains(i.Key)))
        {
            var occurrences = occurrenceRows[item.Key].OrderBy(r => r.RecurrenceId, StringComparer.Ordinal).ToList();
            var live = occurrences.Where(r => Live(r.EventId) && events[r.EventId].Status != EventStatus.Cancelled).ToList();
            var kept = occurrences.Where(r => events.ContainsKey(r.EventId)).ToList();
            if (kept.Count == 0) continue;
            var reused = live.Count > 0 ? live[0] : kept[0];
            plan.Moves[reused.Key] = (item.Key, null);
            foreach (var other in occurrences.Where(r => r.Key != reused.Key && Live(r.EventId)))
                plan.Superseded.Add(other.Key);
        }
        return plan;
    }
}
