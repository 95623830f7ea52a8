using Calendar.Core.Events;

namespace Calendar.Core.Import;

// The contract between reading a partner's iCalendar feed (IcsFeedReader: bytes -> events) and importing it
// (sources, runs, identity, moderation). The reader knows iCalendar; the importer knows the database.

/// <summary>What the reader needs from the source.</summary>
/// <param name="DefaultTimeZone">The source's <c>timeZone</c> (IANA), used for floating times when the calendar
/// has no X-WR-TIMEZONE; null means UTC, with a note.</param>
/// <param name="NowUtc">The run's clock, for the expansion horizon.</param>
/// <param name="HorizonPast">How far back occurrences of an expanded series are kept.</param>
/// <param name="HorizonFuture">How far ahead occurrences of an expanded series are kept.</param>
public sealed record FeedReadOptions(
    string? DefaultTimeZone,
    DateTime NowUtc,
    TimeSpan HorizonPast,
    TimeSpan HorizonFuture);

/// <summary>One event the feed means, normalised to what the submission form would send.</summary>
/// <param name="Key">Stable identity within the source: the UID plus the RECURRENCE-ID (as a UTC instant or a
/// date) when there is one; for an event without a UID, a digest of its start and summary.</param>
/// <param name="Uid">The feed's UID, when it has one.</param>
/// <param name="RecurrenceId">The occurrence this item stands for, when it is one occurrence of a series
/// (an override, or a series expanded because the stored model cannot hold its exceptions).</param>
/// <param name="Input">Title, description (plain text), timing (IANA zone or all-day dates), recurrence (an
/// RRULE the stored model can hold, or null), location, online join link, organizers named by the feed,
/// registration/more-info URL. Kind and tags are left null: the importer applies the source's. It is
/// validated by <see cref="EventInputValidator"/> before anything is stored.</param>
/// <param name="Sequence">The feed's SEQUENCE (0 when absent).</param>
/// <param name="LastModifiedUtc">The feed's LAST-MODIFIED or DTSTAMP, when present.</param>
/// <param name="Cancelled">The feed marks it STATUS:CANCELLED (or it is an EXDATE'd override).</param>
public sealed record ImportedEvent(
    string Key,
    string? Uid,
    string? RecurrenceId,
    EventInput Input,
    int Sequence,
    DateTime? LastModifiedUtc,
    bool Cancelled);

/// <summary>A VEVENT the reader could not turn into an event the source surely meant.</summary>
public sealed record SkippedEvent(string? Uid, string Reason);

/// <summary>The reading of one feed: its events, what was skipped and why, and notes for the run report
/// (e.g. "floating times read in Europe/Vienna from X-WR-TIMEZONE").</summary>
public sealed record FeedReadResult(
    IReadOnlyList<ImportedEvent> Events,
    IReadOnlyList<SkippedEvent> Skipped,
    IReadOnlyList<string> Notes);

/// <summary>Thrown when the bytes are not an iCalendar feed at all (HTML, JSON, truncated): the run fails and
/// nothing changes.</summary>
public sealed class NotACalendarException(string message) : Exception(message);
