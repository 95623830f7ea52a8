using NodaTime;

namespace Calendar.Core.Events;

/// <summary>
/// A validated event in the shape the store writes: typed timing plus the instants and series end that
/// queries need. Only <see cref="From"/> makes one, after <see cref="EventInputValidator"/> accepted the input.
/// </summary>
public sealed record EventDraft
{
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; init; }
    public required bool AllDay { get; init; }
    public DateOnly? StartsOn { get; init; }
    public DateOnly? EndsOn { get; init; }
    public DateTime? StartsLocal { get; init; }
    public DateTime? EndsLocal { get; init; }
    public string? TimeZone { get; init; }
    public required DateTime StartsAt { get; init; }
    public required DateTime EndsAt { get; init; }
    public string? Recurrence { get; init; }
    public DateTime? SeriesEndsAt { get; init; }
    public string? Venue { get; init; }
    public string? Address { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
    public required bool Online { get; init; }
    public string? JoinUrl { get; init; }
    public required string[] Organizers { get; init; }
    public required string[] Tags { get; init; }
    public string? Language { get; init; }
    public string? RegistrationUrl { get; init; }
    public string? MoreInfoUrl { get; init; }
    public string? ContactEmail { get; init; }

    /// <summary>Trims text, turns blanks into absent values, lower-cases tags and upper-cases the country,
    /// so that what the validator judges is what gets stored. The copy has the input's own type (a submission
    /// stays a submission).</summary>
    public static TInput Normalize<TInput>(TInput input) where TInput : EventInput, new()
    {
        static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var location = input.Location is null ? null : new LocationInput
        {
            Venue = Clean(input.Location.Venue),
            Address = Clean(input.Location.Address),
            City = Clean(input.Location.City),
            Country = Clean(input.Location.Country)?.ToUpperInvariant(),
        };
        return new TInput
        {
            Title = input.Title?.Trim(),
            Description = input.Description?.Replace("\r\n", "\n").Replace('\r', '\n').Trim(),
            Kind = Clean(input.Kind)?.ToLowerInvariant(),
            Status = Clean(input.Status)?.ToLowerInvariant(),
            AllDay = input.AllDay,
            StartsOn = Clean(input.StartsOn),
            EndsOn = Clean(input.EndsOn) ?? (input.AllDay == true ? Clean(input.StartsOn) : null),
            StartsAt = Clean(input.StartsAt),
            EndsAt = Clean(input.EndsAt),
            TimeZone = Clean(input.TimeZone),
            Recurrence = Clean(input.Recurrence) is { } r ? StripPrefix(r) : null,
            Location = location is { Venue: null, Address: null, City: null, Country: null } ? null : location,
            Online = input.Online is null ? null : new OnlineInput { JoinUrl = Clean(input.Online.JoinUrl) },
            Organizers = input.Organizers?.Select(o => o?.Trim() ?? "").Where(o => o.Length > 0).ToList(),
            Tags = input.Tags?.Select(t => t?.Trim().ToLowerInvariant() ?? "").Where(t => t.Length > 0).Distinct().ToList(),
            Language = Clean(input.Language),
            RegistrationUrl = Clean(input.RegistrationUrl),
            MoreInfoUrl = Clean(input.MoreInfoUrl),
            ContactEmail = Clean(input.ContactEmail),
        };

        static string StripPrefix(string rule) =>
            rule.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase) ? rule[6..].Trim() : rule;
    }

    /// <summary>Builds the draft from a normalized input that passed validation.</summary>
    public static EventDraft From(EventInput input)
    {
        var allDay = input.AllDay!.Value;
        DateOnly? startsOn = null, endsOn = null;
        DateTime? startsLocal = null, endsLocal = null;
        DateTime startsAt, endsAt;
        DateTimeZone? zone = null;
        LocalDateTime firstLocal;
        Period span;
        if (allDay)
        {
            startsOn = InputParsing.Date(input.StartsOn)!.Value;
            endsOn = InputParsing.Date(input.EndsOn)!.Value;
            startsAt = TimeZones.MidnightUtc(startsOn.Value);
            endsAt = TimeZones.MidnightUtc(endsOn.Value.AddDays(1));
            firstLocal = LocalDate.FromDateOnly(startsOn.Value).AtMidnight();
            span = Period.FromDays(endsOn.Value.DayNumber - startsOn.Value.DayNumber + 1);
        }
        else
        {
            zone = TimeZones.Find(input.TimeZone)!;
            var start = InputParsing.LocalDateTime(input.StartsAt)!.Value;
            var end = InputParsing.LocalDateTime(input.EndsAt)!.Value;
            startsLocal = start.ToDateTimeUnspecified();
            endsLocal = end.ToDateTimeUnspecified();
            startsAt = TimeZones.ToInstant(start, zone)!.Value.ToDateTimeUtc();
            endsAt = TimeZones.ToInstant(end, zone)!.Value.ToDateTimeUtc();
            firstLocal = start;
            span = Period.Between(start, end);
        }

        var organizers = input.Organizers?.ToArray() ?? [];
        var tags = input.Tags?.ToArray() ?? [];
        var draft = new EventDraft
        {
            Title = input.Title!,
            Description = input.Description ?? "",
            Kind = input.Kind!,
            Status = input.Status ?? EventStatus.Confirmed,
            AllDay = allDay,
            StartsOn = startsOn,
            EndsOn = endsOn,
            StartsLocal = startsLocal,
            EndsLocal = endsLocal,
            TimeZone = allDay ? null : zone!.Id,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Recurrence = input.Recurrence,
            Venue = input.Location?.Venue,
            Address = input.Location?.Address,
            City = input.Location?.City,
            Country = input.Location?.Country,
            Online = input.Online is not null,
            JoinUrl = input.Online?.JoinUrl,
            Organizers = organizers,
            Tags = tags,
            Language = input.Language,
            RegistrationUrl = input.RegistrationUrl,
            MoreInfoUrl = input.MoreInfoUrl,
            ContactEmail = input.ContactEmail,
        };
        return draft with { SeriesEndsAt = SeriesEnd(draft, firstLocal, span, zone) };
    }

    /// <summary>The end of the last occurrence, or null for a series without end. For UNTIL this is an upper
    /// bound (UNTIL plus the event's length), which is all a window query needs.</summary>
    private static DateTime? SeriesEnd(EventDraft draft, LocalDateTime firstLocal, Period span, DateTimeZone? zone)
    {
        if (draft.Recurrence is null) return draft.EndsAt;
        var rule = new Ical.Net.DataTypes.RecurrenceRule(draft.Recurrence);
        if (rule.Count is null && rule.Until is null) return null;
        var last = rule.Until is not null
            ? Events.Recurrence.UntilAsLocal(rule.Until.Value, rule.Until.IsUtc, zone)
            : Events.Recurrence.LocalStarts(draft.Recurrence, firstLocal, draft.AllDay, zone, from: null).Last();
        var lastEnd = last + span;
        return draft.AllDay
            ? TimeZones.MidnightUtc(DateOnly.FromDateTime(lastEnd.ToDateTimeUnspecified()))
            : TimeZones.ToInstantLenient(lastEnd, zone!).ToDateTimeUtc();
    }
}
