using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.TimeZones;

namespace Calendar.Core.Import;

/// <summary>
/// What a TZID's name says, without the feed's VTIMEZONE: an IANA name (also behind a "/mozilla.org/…/" style
/// prefix, any case), a Windows zone name mapped with the CLDR table NodaTime ships, an Outlook display name
/// ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna") matched by its cities or its "… Time" name and
/// checked against its offset, or an explicit offset ("UTC+02:00").
/// </summary>
public static partial class ZoneNames
{
    private static readonly IDateTimeZoneProvider Tzdb = DateTimeZoneProviders.Tzdb;

    private static readonly FrozenDictionary<string, string> IanaIds =
        Tzdb.Ids.GroupBy(id => id, StringComparer.OrdinalIgnoreCase).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> Windows =
        TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // "amsterdam" -> Europe/Amsterdam, "new york" -> America/New_York; region-named ids first so that a city
    // maps to its canonical zone rather than a backward link such as US/… or Etc/….
    private static readonly FrozenDictionary<string, string> Cities = BuildCities();

    private static FrozenDictionary<string, string> BuildCities()
    {
        var cities = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var canonical = TzdbDateTimeZoneSource.Default.CanonicalIdMap;
        foreach (var id in Tzdb.Ids.OrderBy(id => canonical.TryGetValue(id, out var c) && c == id ? 0 : 1).ThenBy(id => id, StringComparer.Ordinal))
        {
            var slash = id.LastIndexOf('/');
            if (slash < 0 || id.StartsWith("Etc/", StringComparison.Ordinal)) continue;
            cities.TryAdd(id[(slash + 1)..].Replace('_', ' '), id);
        }
        return cities.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The IANA zone a name stands for, or null. <paramref name="at"/> is when it is used (display names
    /// are checked against the offset they show, which is the standard offset at that time).</summary>
    public static DateTimeZone? Resolve(string? name, Instant at)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var n = name.Trim().Trim('"').Trim();
        if (Iana(n) is { } direct) return direct;
        // "/mozilla.org/20050126_1/Europe/Berlin", "/softwarestudio.org/Olson_20011030_5/America/New_York".
        for (var i = n.IndexOf('/'); i >= 0 && i < n.Length - 1; i = n.IndexOf('/', i + 1))
        {
            if (Iana(n[(i + 1)..]) is { } suffix) return suffix;
        }
        if (WindowsZone(n) is { } windows) return windows;
        if (n.Equals("Coordinated Universal Time", StringComparison.OrdinalIgnoreCase)
            || n.Equals("Greenwich Mean Time", StringComparison.OrdinalIgnoreCase)) return Tzdb["UTC"];
        if (DisplayName().Match(n) is { Success: true } display) return FromDisplayName(display, at);
        return FromCityList(n, at);
    }

    /// <summary>"Amsterdam, Belgrade, Berlin, Brussels, …" (an Outlook display name without its offset): unambiguous
    /// when every city is a known zone and they all keep the same clock through the year.</summary>
    private static DateTimeZone? FromCityList(string name, Instant at)
    {
        var parts = Separators().Split(name).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count < 2) return null;
        var zones = new List<DateTimeZone>();
        foreach (var part in parts)
        {
            if (!Cities.TryGetValue(part, out var id)) return null;
            zones.Add(Tzdb[id]);
        }
        var year = at.InUtc().Year;
        var samples = Enumerable.Range(1, 12).Select(month => Instant.FromUtc(year, month, 1, 0, 0)).ToList();
        return zones.All(z => samples.All(i => z.GetUtcOffset(i) == zones[0].GetUtcOffset(i))) ? zones[0] : null;
    }

    /// <summary>A TZID that only states an offset ("UTC+02:00", "GMT-0500", "+01:00"): it means that fixed offset.</summary>
    public static Offset? ExplicitOffset(string? name)
    {
        if (name is null) return null;
        var m = OffsetName().Match(name.Trim().Trim('"'));
        if (!m.Success) return null;
        if (m.Groups["h"].Value.Length == 0) return Offset.Zero;
        var hours = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minutes = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
        if (hours > 14 || minutes > 59) return null;
        var seconds = hours * 3600 + minutes * 60;
        return Offset.FromSeconds(m.Groups["sign"].Value == "-" ? -seconds : seconds);
    }

    private static DateTimeZone? Iana(string id) =>
        IanaIds.TryGetValue(id, out var exact) ? Tzdb[exact] : null;

    private static DateTimeZone? WindowsZone(string name)
    {
        if (Windows.TryGetValue(name, out var id)) return Tzdb[id];
        // Lotus Notes and some converters drop the suffix ("W. Europe", "Romance").
        if (Windows.TryGetValue(name + " Standard Time", out id)) return Tzdb[id];
        return null;
    }

    private static DateTimeZone? FromDisplayName(Match display, Instant at)
    {
        Offset? shown = display.Groups["h"].Success
            ? Offset.FromHoursAndMinutes(
                (display.Groups["sign"].Value == "-" ? -1 : 1) * int.Parse(display.Groups["h"].Value, CultureInfo.InvariantCulture),
                (display.Groups["sign"].Value == "-" ? -1 : 1) * (display.Groups["m"].Success ? int.Parse(display.Groups["m"].Value, CultureInfo.InvariantCulture) : 0))
            : Offset.Zero;
        var text = display.Groups["rest"].Value;
        var candidates = new List<DateTimeZone>();
        foreach (var raw in Separators().Split(text))
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            var bare = Parenthetical().Replace(part, "").Trim();
            if (Cities.TryGetValue(bare, out var city)) candidates.Add(Tzdb[city]);
            else if (Cities.TryGetValue(bare.Replace(' ', '_'), out city)) candidates.Add(Tzdb[city]);
            // "Eastern Time (US & Canada)" -> "Eastern Standard Time".
            if (bare.EndsWith(" Time", StringComparison.OrdinalIgnoreCase)
                && WindowsZone(bare[..^5] + " Standard Time") is { } named) candidates.Add(named);
            if (WindowsZone(bare) is { } windows) candidates.Add(windows);
            if (bare.Equals("Coordinated Universal Time", StringComparison.OrdinalIgnoreCase)) candidates.Add(Tzdb["UTC"]);
        }
        // The shown offset is the standard one; a city whose zone has another is not what the producer meant.
        return candidates.FirstOrDefault(z => z.GetZoneInterval(at).StandardOffset == shown);
    }

    [GeneratedRegex(@"^\(\s*(?:UTC|GMT)\s*(?:(?<sign>[+-−])\s*(?<h>\d{1,2})(?:[:.]?(?<m>\d{2}))?)?\s*\)\s*(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex DisplayName();

    [GeneratedRegex(@"^(?:(?:UTC|GMT)\s*)?(?:(?<sign>[+-])(?<h>\d{1,2})(?::?(?<m>\d{2}))?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetName();

    [GeneratedRegex(@"[,;/]| - ")]
    private static partial Regex Separators();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthetical();
}
