namespace Calendar.Core.Events;

/// <summary>A stored event as read from the database. Public reads (lists, feeds) select EventStore.PublicColumns,
/// so there <see cref="ContactEmail"/> and <see cref="OwnerId"/> are null; the JSON and feed representations
/// choose what to show.</summary>
public sealed class Event
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public string Moderation { get; init; } = "";
    public bool AllDay { get; init; }
    public DateOnly? StartsOn { get; init; }
    public DateOnly? EndsOn { get; init; }
    public DateTime? StartsLocal { get; init; }
    public DateTime? EndsLocal { get; init; }
    public string? TimeZone { get; init; }
    public DateTime StartsAt { get; init; }
    public DateTime EndsAt { get; init; }
    public string? Recurrence { get; init; }
    public DateTime? SeriesEndsAt { get; init; }
    public string? Venue { get; init; }
    public string? Address { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
    public bool Online { get; init; }
    public string? JoinUrl { get; init; }
    public string[] Organizers { get; init; } = [];
    public string[] Tags { get; init; } = [];
    public string? Language { get; init; }
    public string? RegistrationUrl { get; init; }
    public string? MoreInfoUrl { get; init; }
    public string? ContactEmail { get; init; }
    public Guid? OwnerId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public int Sequence { get; init; }
    public long Revision { get; init; }

    public bool HasLocation => Venue is not null || Address is not null || City is not null || Country is not null;

    /// <summary>The strong ETag of the JSON resource: it changes on every write.</summary>
    public string ETag => $"\"r{Revision}\"";

    /// <summary>The event as an input again, e.g. to pre-fill an edit form.</summary>
    public EventInput ToInput() => new()
    {
        Title = Title,
        Description = Description,
        Kind = Kind,
        Status = Status,
        AllDay = AllDay,
        StartsOn = StartsOn?.ToString("yyyy-MM-dd"),
        EndsOn = EndsOn?.ToString("yyyy-MM-dd"),
        StartsAt = StartsLocal?.ToString("yyyy-MM-dd'T'HH:mm"),
        EndsAt = EndsLocal?.ToString("yyyy-MM-dd'T'HH:mm"),
        TimeZone = TimeZone,
        Recurrence = Recurrence,
        Location = HasLocation ? new LocationInput { Venue = Venue, Address = Address, City = City, Country = Country } : null,
        Online = Online ? new OnlineInput { JoinUrl = JoinUrl } : null,
        Organizers = [.. Organizers],
        Tags = [.. Tags],
        Language = Language,
        RegistrationUrl = RegistrationUrl,
        MoreInfoUrl = MoreInfoUrl,
        ContactEmail = ContactEmail,
    };
}
