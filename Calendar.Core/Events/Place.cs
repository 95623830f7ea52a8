namespace Calendar.Core.Events;

/// <summary>How an event's place is written on one line, for every surface that shows it: the full form names
/// every part (calendar entries, moderators' lists), the short form what a reader scanning a list needs.</summary>
public static class Place
{
    /// <summary>"Hofburg, Heldenplatz, Vienna, Austria": every part the event has, the country by name or as
    /// its code; null when it has no place.</summary>
    public static string? Full(Event e, bool countryByName = true)
    {
        if (!e.HasLocation) return null;
        var parts = new List<string>(4);
        if (e.Venue is not null) parts.Add(e.Venue);
        if (e.Address is not null) parts.Add(e.Address);
        if (e.City is not null) parts.Add(e.City);
        if (e.Country is not null) parts.Add(countryByName ? Vocabulary.CountryName(e.Country) : e.Country);
        return string.Join(", ", parts);
    }

    /// <summary>A calendar entry's location (iCalendar LOCATION, add-to-calendar links): the place, else the join
    /// link, else "Online"; null for neither.</summary>
    public static string? ForCalendar(Event e, bool countryByName = true, string alsoOnline = "") =>
        Full(e, countryByName) is { } place ? place + (e.Online ? alsoOnline : "")
        : e.Online ? e.JoinUrl ?? "Online" : null;

    /// <summary>"Vienna, Austria", "Online", or both: what a reader needs to know where it happens ("" for neither).</summary>
    public static string Short(Event e)
    {
        var where = e.City ?? e.Venue;
        if (e.Country is not null) where = where is null ? Vocabulary.CountryName(e.Country) : $"{where}, {Vocabulary.CountryName(e.Country)}";
        return (where, e.Online) switch
        {
            (null, true) => "Online",
            (null, false) => "",
            (_, true) => $"{where} and online",
            _ => where,
        };
    }
}
