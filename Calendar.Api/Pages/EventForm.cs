using System.Globalization;
using Calendar.Core.Events;

namespace Calendar.Api.Pages;

/// <summary>
/// The submission form's fields exactly as typed (strings), so that a form re-shown with errors keeps every
/// character. <see cref="ToInput"/> turns it into the <see cref="EventInput"/> that the one validator judges;
/// <see cref="FieldFor"/> maps the validator's field names back to the form control that shows each message.
/// </summary>
public sealed class EventForm
{
    public string Title { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public string Timing { get; set; } = "timed"; // "timed" or "all-day"
    public string StartsAt { get; set; } = "";
    public string EndsAt { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string StartsOn { get; set; } = "";
    public string EndsOn { get; set; } = "";
    public string Repeat { get; set; } = "none"; // none, yearly, monthly, weekly, custom
    public string CustomRule { get; set; } = "";
    public string Venue { get; set; } = "";
    public string Address { get; set; } = "";
    public string City { get; set; } = "";
    public string Country { get; set; } = "";
    public string JoinUrl { get; set; } = "";
    public string Organizers { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public string NewTags { get; set; } = "";
    public string Language { get; set; } = "";
    public string RegistrationUrl { get; set; } = "";
    public string MoreInfoUrl { get; set; } = "";
    public string ContactEmail { get; set; } = "";
    public string Status { get; set; } = EventStatus.Confirmed;
    public string Website { get; set; } = ""; // the honeypot

    public bool AllDay => Timing == "all-day";

    public static readonly IReadOnlyList<(string Value, string Label)> RepeatChoices =
    [
        ("none", "Does not repeat"),
        ("yearly", "Every year on the same date (world days, anniversaries)"),
        ("monthly", "Every month on the same day of the month"),
        ("weekly", "Every week on the same weekday"),
    ];

    private const int MaxField = 20_000;

    public static EventForm FromForm(IFormCollection form)
    {
        // Over-long values are cut (not dropped) so that the validator still reports them as too long.
        string Get(string name) => form[name].ToString() is var v && v.Length <= MaxField ? v : v[..MaxField];
        return new EventForm
        {
            Title = Get("title"), Kind = Get("kind"), Description = Get("description"),
            Timing = Get("timing") == "all-day" ? "all-day" : "timed",
            StartsAt = Get("startsAt"), EndsAt = Get("endsAt"), TimeZone = Get("timeZone"),
            StartsOn = Get("startsOn"), EndsOn = Get("endsOn"),
            Repeat = Get("repeat") is "yearly" or "monthly" or "weekly" or "custom" ? Get("repeat") : "none",
            CustomRule = Get("customRule"),
            Venue = Get("venue"), Address = Get("address"), City = Get("city"), Country = Get("country"),
            JoinUrl = Get("joinUrl"), Organizers = Get("organizers"),
            Tags = form["tags"].Where(t => t is { Length: <= 100 }).Select(t => t!).Take(100).ToList(),
            NewTags = Get("newTags"), Language = Get("language"),
            RegistrationUrl = Get("registrationUrl"), MoreInfoUrl = Get("moreInfoUrl"), ContactEmail = Get("contactEmail"),
            Status = Get("status") is EventStatus.Tentative or EventStatus.Cancelled ? Get("status") : EventStatus.Confirmed,
            Website = Get(SubmissionInput.HoneypotField),
        };
    }

    public static EventForm FromInput(EventInput e)
    {
        var (repeat, custom) = DescribeRule(e);
        return new EventForm
        {
            Title = e.Title ?? "", Kind = e.Kind ?? "", Description = e.Description ?? "",
            Timing = e.AllDay == true ? "all-day" : "timed",
            StartsAt = e.StartsAt ?? "", EndsAt = e.EndsAt ?? "", TimeZone = e.TimeZone ?? "",
            StartsOn = e.StartsOn ?? "", EndsOn = e.EndsOn ?? "",
            Repeat = repeat, CustomRule = custom,
            Venue = e.Location?.Venue ?? "", Address = e.Location?.Address ?? "", City = e.Location?.City ?? "",
            Country = e.Location?.Country ?? "", JoinUrl = e.Online?.JoinUrl ?? "",
            Organizers = string.Join("\n", e.Organizers ?? []),
            Tags = e.Tags ?? [], Language = e.Language ?? "",
            RegistrationUrl = e.RegistrationUrl ?? "", MoreInfoUrl = e.MoreInfoUrl ?? "", ContactEmail = e.ContactEmail ?? "",
            Status = e.Status ?? EventStatus.Confirmed,
        };
    }

    /// <summary>The input the validator judges. Only the timing fields of the chosen kind are sent on.</summary>
    public EventInput ToInput() => new()
    {
        Title = Title,
        Kind = Kind,
        Description = Description,
        Status = Status,
        AllDay = AllDay,
        StartsAt = AllDay ? null : StartsAt,
        EndsAt = AllDay ? null : EndsAt,
        TimeZone = AllDay ? null : TimeZone,
        StartsOn = AllDay ? StartsOn : null,
        EndsOn = AllDay ? EndsOn : null,
        Recurrence = Rule(),
        Location = new LocationInput { Venue = Venue, Address = Address, City = City, Country = Country },
        Online = string.IsNullOrWhiteSpace(JoinUrl) ? null : new OnlineInput { JoinUrl = JoinUrl },
        Organizers = Organizers.Split('\n').Select(o => o.Trim()).Where(o => o.Length > 0).ToList(),
        Tags = Tags.Concat(NewTags.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList(),
        Language = Language,
        RegistrationUrl = RegistrationUrl,
        MoreInfoUrl = MoreInfoUrl,
        ContactEmail = ContactEmail,
    };

    /// <summary>The repetition choice as an RRULE anchored on the first date; null when the date is not valid yet
    /// (its own error is shown then).</summary>
    private string? Rule()
    {
        if (Repeat == "custom") return string.IsNullOrWhiteSpace(CustomRule) ? null : CustomRule;
        if (Repeat == "none") return null;
        DateOnly? first = AllDay
            ? InputParsing.Date(StartsOn.Trim())
            : InputParsing.LocalDateTime(StartsAt.Trim()) is { } local ? local.Date.ToDateOnly() : null;
        if (first is not { } d) return null;
        return Repeat switch
        {
            "yearly" => $"FREQ=YEARLY;BYMONTH={d.Month};BYMONTHDAY={d.Day}",
            "monthly" => $"FREQ=MONTHLY;BYMONTHDAY={d.Day}",
            _ => $"FREQ=WEEKLY;BYDAY={d.DayOfWeek.ToString()[..2].ToUpperInvariant()}",
        };
    }

    private static (string Repeat, string Custom) DescribeRule(EventInput e)
    {
        if (string.IsNullOrEmpty(e.Recurrence)) return ("none", "");
        var r = e.Recurrence;
        if (r.StartsWith("FREQ=YEARLY;BYMONTH=", StringComparison.Ordinal) && r.Split(';').Length == 3) return ("yearly", "");
        if (r.StartsWith("FREQ=MONTHLY;BYMONTHDAY=", StringComparison.Ordinal) && r.Split(';').Length == 2) return ("monthly", "");
        if (r.StartsWith("FREQ=WEEKLY;BYDAY=", StringComparison.Ordinal) && r.Split(';').Length == 2 && r.Length == 20) return ("weekly", "");
        return ("custom", r);
    }

    /// <summary>The id of the form control that shows a validator message for <paramref name="errorKey"/>.</summary>
    public static string FieldFor(string errorKey)
    {
        var key = errorKey.Split('[')[0];
        return key switch
        {
            "location.venue" or "location" => "venue",
            "location.address" => "address",
            "location.city" => "city",
            "location.country" => "country",
            "online.joinUrl" or "online" => "joinUrl",
            "recurrence" => "repeat",
            "tags" => "newTags",
            "allDay" => "timing-timed",
            _ => key,
        };
    }

    /// <summary>Validator errors regrouped per form control, in the order the controls appear.</summary>
    public static Dictionary<string, List<string>> ByField(IDictionary<string, string[]> errors)
    {
        var byField = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var field = FieldFor(key);
            if (!byField.TryGetValue(field, out var list)) byField[field] = list = [];
            list.AddRange(messages.Where(m => !list.Contains(m)));
        }
        return FieldOrder.Where(byField.ContainsKey).Concat(byField.Keys.Where(k => !FieldOrder.Contains(k)))
            .ToDictionary(k => k, k => byField[k], StringComparer.Ordinal);
    }

    public static readonly IReadOnlyList<string> FieldOrder =
    [
        "title", "kind", "description", "timing-timed", "startsAt", "endsAt", "timeZone", "startsOn", "endsOn", "repeat",
        "venue", "address", "city", "country", "joinUrl", "organizers", "newTags", "language", "registrationUrl", "moreInfoUrl",
        "contactEmail", "status",
    ];

    public static string Today() => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
