namespace Calendar.Core.Events;

// The closed sets of states an event moves through, each value written once. They are constants so that SQL
// text (const interpolation), switch patterns and pages all use the same spelling; migration 0001's CHECK
// constraints hold the same values. Vocabulary's lists derive from these.

/// <summary>Where an event stands in review: only <see cref="Published"/> events are public.</summary>
public static class ModerationState
{
    public const string Pending = "pending";
    public const string Published = "published";
    public const string Rejected = "rejected";
}

/// <summary>Whether an event takes place (SPEC "status"; iCalendar STATUS).</summary>
public static class EventStatus
{
    public const string Confirmed = "confirmed";
    public const string Tentative = "tentative";
    public const string Cancelled = "cancelled";
}
