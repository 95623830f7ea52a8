namespace Calendar.Core.Events;

/// <summary>
/// An event as a client writes it: the JSON API, the submission form and the sample-data import all produce
/// one, and <see cref="EventInputValidator"/> is the single judge of it. Dates and times stay strings here so
/// that a malformed value is reported against its field instead of failing the whole body.
/// </summary>
public class EventInput : INormalizable<EventInput>
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }
    public bool? AllDay { get; set; }
    public string? StartsOn { get; set; }
    public string? EndsOn { get; set; }
    public string? StartsAt { get; set; }
    public string? EndsAt { get; set; }
    public string? TimeZone { get; set; }
    public string? Recurrence { get; set; }
    public LocationInput? Location { get; set; }
    public OnlineInput? Online { get; set; }
    public List<string>? Organizers { get; set; }
    public List<string>? Tags { get; set; }
    public string? Language { get; set; }
    public string? RegistrationUrl { get; set; }
    public string? MoreInfoUrl { get; set; }
    public string? ContactEmail { get; set; }

    public virtual EventInput Normalized() => EventDraft.Normalize(this);
}

public sealed class LocationInput
{
    public string? Venue { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
}

public sealed class OnlineInput
{
    public string? JoinUrl { get; set; }
}
