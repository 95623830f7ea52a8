using System.Data.Common;
using Calendar.Core.Events;

namespace Calendar.Core.Data;

/// <summary>
/// Reads rows of <see cref="EventStore.PublicColumns"/> into <see cref="Event"/>s with typed getters, for the list, which
/// reads a page of rows on every uncached request: Dapper's mapper boxes every column through GetValue (a fifth more
/// allocation and time per page, ListPathBenchmarks). Other stores keep Dapper: they read one row, or run once per
/// data version.
/// </summary>
internal static class EventRows
{
    public static async Task<List<Event>> ReadAsync(DbDataReader reader, CancellationToken ct)
    {
        var rows = new List<Event>();
        if (!await reader.ReadAsync(ct)) return rows;
        var c = new Ordinals(reader);
        do rows.Add(Read(reader, c));
        while (await reader.ReadAsync(ct));
        return rows;
    }

    private static Event Read(DbDataReader r, Ordinals c) => new()
    {
        Id = r.GetGuid(c.Id),
        Title = r.GetString(c.Title),
        Description = r.GetString(c.Description),
        Kind = r.GetString(c.Kind),
        Status = r.GetString(c.Status),
        Moderation = r.GetString(c.Moderation),
        AllDay = r.GetBoolean(c.AllDay),
        StartsOn = r.IsDBNull(c.StartsOn) ? null : r.GetFieldValue<DateOnly>(c.StartsOn),
        EndsOn = r.IsDBNull(c.EndsOn) ? null : r.GetFieldValue<DateOnly>(c.EndsOn),
        StartsLocal = r.IsDBNull(c.StartsLocal) ? null : r.GetDateTime(c.StartsLocal),
        EndsLocal = r.IsDBNull(c.EndsLocal) ? null : r.GetDateTime(c.EndsLocal),
        TimeZone = Text(r, c.TimeZone),
        StartsAt = r.GetDateTime(c.StartsAt),
        EndsAt = r.GetDateTime(c.EndsAt),
        Recurrence = Text(r, c.Recurrence),
        SeriesEndsAt = r.IsDBNull(c.SeriesEndsAt) ? null : r.GetDateTime(c.SeriesEndsAt),
        Venue = Text(r, c.Venue),
        Address = Text(r, c.Address),
        City = Text(r, c.City),
        Country = Text(r, c.Country),
        Online = r.GetBoolean(c.Online),
        JoinUrl = Text(r, c.JoinUrl),
        Organizers = r.GetFieldValue<string[]>(c.Organizers),
        Tags = r.GetFieldValue<string[]>(c.Tags),
        Language = Text(r, c.Language),
        RegistrationUrl = Text(r, c.RegistrationUrl),
        MoreInfoUrl = Text(r, c.MoreInfoUrl),
        CreatedAt = r.GetDateTime(c.CreatedAt),
        UpdatedAt = r.GetDateTime(c.UpdatedAt),
        Sequence = r.GetInt32(c.Sequence),
        Revision = r.GetInt64(c.Revision),
    };

    private static string? Text(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    /// <summary>Each column's position, looked up by name once per result.</summary>
    private sealed class Ordinals(DbDataReader r)
    {
        public readonly int Id = r.GetOrdinal("id"), Title = r.GetOrdinal("title"), Description = r.GetOrdinal("description"),
            Kind = r.GetOrdinal("kind"), Status = r.GetOrdinal("status"), Moderation = r.GetOrdinal("moderation"),
            AllDay = r.GetOrdinal("all_day"), StartsOn = r.GetOrdinal("starts_on"), EndsOn = r.GetOrdinal("ends_on"),
            StartsLocal = r.GetOrdinal("starts_local"), EndsLocal = r.GetOrdinal("ends_local"), TimeZone = r.GetOrdinal("time_zone"),
            StartsAt = r.GetOrdinal("starts_at"), EndsAt = r.GetOrdinal("ends_at"), Recurrence = r.GetOrdinal("recurrence"),
            SeriesEndsAt = r.GetOrdinal("series_ends_at"), Venue = r.GetOrdinal("venue"), Address = r.GetOrdinal("address"),
            City = r.GetOrdinal("city"), Country = r.GetOrdinal("country"), Online = r.GetOrdinal("online"),
            JoinUrl = r.GetOrdinal("join_url"), Organizers = r.GetOrdinal("organizers"), Tags = r.GetOrdinal("tags"),
            Language = r.GetOrdinal("language"), RegistrationUrl = r.GetOrdinal("registration_url"),
            MoreInfoUrl = r.GetOrdinal("more_info_url"), CreatedAt = r.GetOrdinal("created_at"), UpdatedAt = r.GetOrdinal("updated_at"),
            Sequence = r.GetOrdinal("sequence"), Revision = r.GetOrdinal("revision");
    }
}
