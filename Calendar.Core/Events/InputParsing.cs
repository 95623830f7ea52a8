using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Text;

namespace Calendar.Core.Events;

/// <summary>The one place where the wire formats of dates, times and text are read.</summary>
public static partial class InputParsing
{
    public const int MinYear = 1900, MaxYear = 2200;

    private static readonly LocalDateTimePattern[] LocalPatterns =
    [
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss"),
    ];

    public static DateOnly? Date(string? value) =>
        value is not null
        && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.Year is >= MinYear and <= MaxYear
            ? date
            : null;

    public static LocalDateTime? LocalDateTime(string? value)
    {
        if (value is null) return null;
        foreach (var pattern in LocalPatterns)
        {
            var result = pattern.Parse(value);
            if (result.Success && result.Value.Year is >= MinYear and <= MaxYear) return result.Value;
        }
        return null;
    }

    /// <summary>True when the text carries an offset or a Z, which the SPEC keeps out of local times.</summary>
    public static bool HasOffset(string? value) =>
        value is not null && OffsetSuffix().IsMatch(value);

    /// <summary>C0/C1 controls other than line feed and tab, and the bidi embedding/override/isolate controls
    /// that can make text display differently from what it says (CVE-2021-42574).</summary>
    public static bool HasForbiddenCharacters(string value, bool multiLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\n' || c == '\t') { if (!multiLine) return true; continue; }
            if (char.IsControl(c)) return true;
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFEFF' or '\u200B') return true;
            // A lone surrogate cannot be encoded as UTF-8: it would fail in the database and corrupt a feed.
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return true;
        }
        return false;
    }

    public static bool IsHttpUrl(string? value) =>
        value is not null
        && value.Length <= 2000
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
        && !value.Any(char.IsWhiteSpace)
        && !value.Any(char.IsControl);

    public static bool IsSlug(string? value) => value is not null && value.Length <= 50 && SlugPattern().IsMatch(value);

    public static bool IsLanguageTag(string? value) => value is not null && value.Length <= 35 && LanguagePattern().IsMatch(value);

    public static bool IsEmail(string? value) =>
        value is not null && value.Length <= 254 && EmailPattern().IsMatch(value);

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
