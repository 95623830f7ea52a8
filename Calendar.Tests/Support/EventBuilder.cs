namespace Calendar.Tests.Support;

/// <summary>Valid event bodies for tests, as JSON-ready dictionaries, with per-test overrides.</summary>
public static class EventBuilder
{
    public static Dictionary<string, object?> Timed(string title = "Webinar on labour exploitation", string startsAt = "2030-05-06T14:00",
        string endsAt = "2030-05-06T15:30", string timeZone = "Europe/Brussels") => new()
    {
        ["title"] = title,
        ["description"] = "A webinar for NGO staff.\nSecond line.",
        ["kind"] = "webinar",
        ["allDay"] = false,
        ["startsAt"] = startsAt,
        ["endsAt"] = endsAt,
        ["timeZone"] = timeZone,
        ["online"] = new Dictionary<string, object?> { ["joinUrl"] = "https://meet.example.org/abc" },
        ["organizers"] = new[] { "La Strada International" },
        ["tags"] = new[] { "labour-exploitation" },
    };

    public static Dictionary<string, object?> AllDay(string title = "Expert meeting", string startsOn = "2030-06-10",
        string? endsOn = null, string kind = "meeting") => new()
    {
        ["title"] = title,
        ["description"] = "",
        ["kind"] = kind,
        ["allDay"] = true,
        ["startsOn"] = startsOn,
        ["endsOn"] = endsOn ?? startsOn,
        ["location"] = new Dictionary<string, object?> { ["venue"] = "Hofburg", ["city"] = "Vienna", ["country"] = "AT" },
        ["organizers"] = new[] { "OSCE" },
        ["tags"] = new[] { "policy" },
    };

    public static Dictionary<string, object?> WorldDay(string title, int month, int day, int firstYear = 2016) => new()
    {
        ["title"] = title,
        ["kind"] = "world-day",
        ["allDay"] = true,
        ["startsOn"] = $"{firstYear:D4}-{month:D2}-{day:D2}",
        ["endsOn"] = $"{firstYear:D4}-{month:D2}-{day:D2}",
        ["recurrence"] = $"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}",
        ["tags"] = new[] { "human-rights" },
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string key, object? value)
    {
        var copy = new Dictionary<string, object?>(body) { [key] = value };
        return copy;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> body, string key)
    {
        var copy = new Dictionary<string, object?>(body);
        copy.Remove(key);
        return copy;
    }
}
