using System.ComponentModel;
using System.Text.Json.Serialization;
using Calendar.Core.Events;

namespace Calendar.Api.Endpoints;

public sealed record LocationJson(string? Venue, string? Address, string? City, string? Country);
public sealed record OnlineJson(string? JoinUrl);

/// <summary>Where an imported event came from, as the review queue shows it.</summary>
public sealed record ImportJson(
    [property: Description("The partner-feed source (GET /api/sources/{id}).")] Guid SourceId,
    string SourceName,
    [property: Description("An existing event on the same day with a similar title, from another source or the form; flagged, never merged. Null when none.")]
    PossibleDuplicateJson? PossibleDuplicate,
    [property: Description("Fields a moderator edited here; they keep the local value when the source changes.")] string[] LocalFields)
{
    public static ImportJson From(Calendar.Core.Data.ImportNote n) => new(n.SourceId, n.SourceName,
        n.DuplicateOf is { } id ? new PossibleDuplicateJson(id, n.DuplicateTitle) : null, n.LocalFields);
}

public sealed record PossibleDuplicateJson(
    Guid Id,
    [property: Description("The other event's title; null when it has been deleted since.")] string? Title);

/// <summary>An event as the JSON API shows it. contactEmail appears only for moderators. As a listed occurrence
/// (SPEC "Listed occurrences"), the top-level times are that occurrence's own and a series also carries
/// <see cref="Series"/>, its first occurrence; <see cref="Occurrence"/> repeats the occurrence's times for clients
/// written before the times moved to the top.</summary>
public sealed record EventJson(
    Guid Id, string Url, string Title, string Description, string Kind, string Status, bool AllDay,
    DateOnly? StartsOn, DateOnly? EndsOn, DateTime? StartsAt, DateTime? EndsAt, string? TimeZone,
    DateTime? StartsAtUtc, DateTime? EndsAtUtc, string? Recurrence,
    LocationJson? Location, OnlineJson? Online, string[] Organizers, string[] Tags, string? Language,
    string? RegistrationUrl, string? MoreInfoUrl, DateTime CreatedAt, DateTime UpdatedAt, int Sequence, string Moderation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContactEmail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("In lists only: the same times as the item's top-level ones (kept for older clients).")]
    OccurrenceJson? Occurrence = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("In lists, for a recurring event only: the series' first occurrence. The top-level times are the listed occurrence's.")]
    OccurrenceJson? Series = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("In the moderation queue only, for an event imported from a partner feed: its source, a possible duplicate, and the fields edited here.")]
    ImportJson? Import = null)
{
    public static EventJson From(Event e, bool includePrivate = false, Occurrence? occurrence = null)
    {
        var own = occurrence is null ? null : OccurrenceJson.From(occurrence);
        var first = OccurrenceJson.From(Calendar.Core.Events.Occurrence.Single(e));
        var at = own ?? first;
        return new(
        e.Id, $"/events/{e.Id}", e.Title, e.Description, e.Kind, e.Status, e.AllDay,
        at.StartsOn, at.EndsOn, at.StartsAt, at.EndsAt, e.TimeZone,
        at.StartsAtUtc, at.EndsAtUtc, e.Recurrence,
        e.HasLocation ? new LocationJson(e.Venue, e.Address, e.City, e.Country) : null,
        e.Online ? new OnlineJson(e.JoinUrl) : null,
        e.Organizers, e.Tags, e.Language, e.RegistrationUrl, e.MoreInfoUrl, e.CreatedAt, e.UpdatedAt, e.Sequence, e.Moderation,
        includePrivate ? e.ContactEmail : null,
        own,
        own is not null && e.Recurrence is not null ? first : null);
    }
}

/// <summary>When this occurrence happens: dates for all-day events, local times plus instants otherwise.</summary>
public sealed record OccurrenceJson(
    DateOnly? StartsOn, DateOnly? EndsOn, DateTime? StartsAt, DateTime? EndsAt, DateTime? StartsAtUtc, DateTime? EndsAtUtc)
{
    public static OccurrenceJson From(Occurrence o) => o.Event.AllDay
        ? new(o.StartsOn, o.EndsOn, null, null, null, null)
        : new(null, null, o.StartsLocal, o.EndsLocal, o.StartsAt, o.EndsAt);
}

public sealed record EventPage(IReadOnlyList<EventJson> Items, string? NextCursor);

public sealed record FacetJson(string Value, int Count);
public sealed record FacetList(IReadOnlyList<FacetJson> Items);
