using Calendar.Core.Events;
using NodaTime;

namespace Calendar.Benchmarks;

/// <summary>Deterministic events shaped like the network's calendar: webinars in several zones, multi-day
/// conferences, yearly world days; titles and descriptions partly non-Latin.</summary>
public static class SampleEvents
{
    private static readonly string[] Zones = ["Europe/Brussels", "Europe/London", "Europe/Helsinki", "Europe/Vienna", "America/New_York"];
    private static readonly string[] Titles =
    [
        "Webinar on labour exploitation in agriculture", "Séminaire : l'identification des victimes de la traite",
        "Семинар о трудовой эксплуатации", "Expert meeting on child trafficking, online grooming and the Lanzarote Convention",
        "Alliance against Trafficking in Persons conference",
    ];
    private const string Description =
        "A session for NGO staff, labour inspectors and police on recognising forced labour; case studies from Belgium, " +
        "the Netherlands and Moldova; Q&A with survivors' advocates.\nSecond paragraph: registration closes a week before. " +
        "Интерпретация на русский язык предоставляется; materials are shared afterwards with participants only.";

    public static IReadOnlyList<Event> Make(int count)
    {
        var random = new Random(42);
        var events = new List<Event>(count);
        var updated = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            var id = new Guid(i, 0x1234, 0x5678, [1, 2, 3, 4, 5, 6, 7, (byte)(i % 256)]);
            var title = Titles[i % Titles.Length] + $" #{i}";
            var kind = (i % 10) switch { < 6 => "webinar", < 9 => "conference", _ => "world-day" };
            var day = new DateOnly(2026, 1, 1).AddDays(random.Next(0, 700));
            Event e;
            if (kind == "webinar")
            {
                var zoneId = Zones[random.Next(Zones.Length)];
                var zone = DateTimeZoneProviders.Tzdb[zoneId];
                var start = day.ToDateTime(new TimeOnly(9 + random.Next(0, 8), 0));
                var end = start.AddMinutes(90);
                e = new Event
                {
                    Id = id, Title = title, Description = Description, Kind = kind, Status = i % 50 == 0 ? "cancelled" : "confirmed",
                    Moderation = "published", AllDay = false, StartsLocal = start, EndsLocal = end, TimeZone = zoneId,
                    StartsAt = TimeZones.ToInstantLenient(LocalDateTime.FromDateTime(start), zone).ToDateTimeUtc(),
                    EndsAt = TimeZones.ToInstantLenient(LocalDateTime.FromDateTime(end), zone).ToDateTimeUtc(),
                    Online = true, JoinUrl = $"https://meet.example.org/webinar-{i}?lang=en", RegistrationUrl = "https://example.org/register",
                    Organizers = ["La Strada International", "OSCE"], Tags = ["labour-exploitation", "migration"],
                    CreatedAt = updated, UpdatedAt = updated, Sequence = i % 3,
                };
            }
            else
            {
                var last = kind == "world-day" ? day : day.AddDays(random.Next(0, 3));
                e = new Event
                {
                    Id = id, Title = title, Description = Description, Kind = kind, Status = "confirmed", Moderation = "published",
                    AllDay = true, StartsOn = day, EndsOn = last, StartsAt = TimeZones.MidnightUtc(day), EndsAt = TimeZones.MidnightUtc(last.AddDays(1)),
                    Recurrence = kind == "world-day" ? $"FREQ=YEARLY;BYMONTH={day.Month};BYMONTHDAY={day.Day}" : null,
                    Venue = "Hofburg", City = "Vienna", Country = "AT", Organizers = ["OSCE"], Tags = ["policy", "human-rights"],
                    MoreInfoUrl = "https://www.osce.org/cthb", CreatedAt = updated, UpdatedAt = updated,
                };
            }
            events.Add(e);
        }
        return events;
    }
}
