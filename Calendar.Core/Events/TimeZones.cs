using NodaTime;
using NodaTime.TimeZones;

namespace Calendar.Core.Events;

/// <summary>
/// IANA zones from NodaTime's bundled tzdb, so every instance and every machine converts the same way,
/// whatever the host's zoneinfo holds.
/// </summary>
public static class TimeZones
{
    private static readonly IDateTimeZoneProvider Provider = DateTimeZoneProviders.Tzdb;

    public static IReadOnlyCollection<string> Ids => Provider.Ids;

    public static DateTimeZone? Find(string? id) =>
        id is null ? null : Provider.GetZoneOrNull(id);

    /// <summary>
    /// The instant of a wall-clock time. A time skipped by a daylight-saving jump (02:30 on the spring-forward
    /// day in Europe/Brussels) does not exist and yields null: the caller reports it rather than guessing.
    /// A time that occurs twice (the autumn hour) resolves to the earlier of the two, as Outlook and Google do.
    /// </summary>
    public static Instant? ToInstant(LocalDateTime local, DateTimeZone zone)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count switch
        {
            0 => null,
            _ => mapping.First().ToInstant(),
        };
    }

    /// <summary>Like <see cref="ToInstant"/> but for occurrences of a series, which must not vanish: a skipped
    /// time moves forward by the gap, as RFC 5545 section 3.3.5 prescribes.</summary>
    public static Instant ToInstantLenient(LocalDateTime local, DateTimeZone zone) =>
        zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant();

    public static DateTime ToUtcDateTime(this Instant instant) => instant.ToDateTimeUtc();

    public static DateTime MidnightUtc(DateOnly date) => date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}
