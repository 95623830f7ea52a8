using System.Globalization;
using Calendar.Core.Events;

namespace Calendar.Core.Feeds;

/// <summary>
/// Names a calendar after what it contains, e.g. "Anti-trafficking events — webinars, labour-exploitation".
/// Feeds (X-WR-CALNAME, NAME), subscribe links (Outlook's &amp;name=) and pages use the same words.
/// </summary>
public static class FeedTitle
{
    public const string Base = "Anti-trafficking events";

    public static string For(EventFilter filter)
    {
        var parts = new List<string>();
        parts.AddRange(filter.Kinds.Select(Plural));
        parts.AddRange(filter.Tags);
        if (filter.Languages.Count > 0) parts.Add("in " + string.Join(" or ", filter.Languages.Select(LanguageName)));
        if (filter.Organizer is not null) parts.Add(filter.Organizer);
        if (filter.Country is not null) parts.Add(Vocabulary.CountryName(filter.Country));
        if (filter.Online is true) parts.Add("online");
        if (filter.Online is false) parts.Add("in person");
        if (filter.Query is not null) parts.Add($"“{filter.Query}”");
        var title = parts.Count == 0 ? Base : $"{Base} — {string.Join(", ", parts)}";
        return title.Length <= 120 ? title : title[..119] + "…";
    }

    /// <summary>A sentence for X-WR-CALDESC and page subtitles.</summary>
    public static string Describe(EventFilter filter)
    {
        // A filter of only from/to has no words in its title.
        var title = For(filter);
        return title.Length <= Base.Length
            ? "Webinars, conferences, meetings, deadlines and world days of the European anti-trafficking NGO network and the OSCE."
            : $"Events of the European anti-trafficking NGO network and the OSCE, filtered: {title[(Base.Length + 3)..]}.";
    }

    /// <summary>"French" for fr, "French (Belgium)" for fr-BE; the tag itself when .NET does not know it.</summary>
    public static string LanguageName(string tag)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag, predefinedOnly: true);
            return culture.EnglishName.Length > 0 && !culture.EnglishName.StartsWith("Unknown", StringComparison.Ordinal) ? culture.EnglishName : tag;
        }
        catch (CultureNotFoundException) { return tag; }
    }

    public static string Plural(string kind) => kind switch
    {
        "world-day" => "world days",
        "other" => "other events",
        "conference" or "meeting" or "workshop" or "training" or "launch" or "deadline" or "webinar" => kind + "s",
        _ => kind,
    };
}
