using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Extensions.Primitives;

namespace Calendar.Core.Events;

/// <summary>
/// The filters of the SPEC, parsed once from a query string and used by the JSON list, the feeds, the pages
/// and the widget alike: the same URL parameters mean the same events everywhere.
/// </summary>
public sealed partial record EventFilter
{
    public const int DefaultLimit = 50, MaxLimit = 200, MaxQueryLength = 200, MaxValues = 20;

    /// <summary>Start of the window (inclusive overlap: an occurrence still running at From is in).</summary>
    public DateTime? From { get; init; }
    /// <summary>End of the window, exclusive. A date means the end of that day.</summary>
    public DateTime? To { get; init; }
    public IReadOnlyList<string> Kinds { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>BCP 47 tags in lower case; a primary tag (fr) matches its regional forms (fr-BE) too.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    public string? Organizer { get; init; }
    public string? Country { get; init; }
    public bool? Online { get; init; }
    public string? Query { get; init; }
    public int Limit { get; init; } = DefaultLimit;
    public ListPosition? After { get; init; }

    /// <summary>The text search as a PostgreSQL tsquery of prefix terms, or null when q has no words.
    /// Built only from letters and digits, so nothing in q can change the query's syntax.</summary>
    public string? TextQuery =>
        Query is null ? null : Words().Matches(Query).Select(m => m.Value.ToLowerInvariant()).Distinct().Take(8).ToList() switch
        {
            { Count: 0 } => null,
            var words => string.Join(" & ", words.Select(w => $"'{w}':*")),
        };

    public bool IsEmpty => From is null && To is null && Kinds.Count == 0 && Tags.Count == 0 && Languages.Count == 0 && Organizer is null
                           && Country is null && Online is null && Query is null;

    public static IReadOnlyList<string> ParameterNames { get; } = ["from", "to", "kind", "tag", "language", "organizer", "country", "online", "q", "limit", "cursor"];

    /// <summary>Parses the filter parameters; returns the problems keyed by parameter name when any value is malformed.
    /// Unknown parameters (tracking tags and the like) are ignored; a repeated single-valued one is an error.</summary>
    /// <param name="query">The parameters as key/values, e.g. ASP.NET Core's request query as it is; names are compared
    /// case-insensitively and a name given twice counts as repeated.</param>
    public static FilterParseResult Parse(IEnumerable<KeyValuePair<string, StringValues>> query, bool allowLimit = true, bool allowCursor = true)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = new EventFilter();
        var given = new StringValues[ParameterNames.Count];
        foreach (var (key, value) in query)
            if (IndexOfParameter(key) is var i and >= 0) given[i] = StringValues.Concat(given[i], value);

        string? Single(string name)
        {
            var values = given[IndexOfParameter(name)];
            if (values.Count == 0) return null;
            if (values.Count > 1) { errors[name] = [$"Give '{name}' at most once."]; return null; }
            var value = values[0]?.Trim();
            return string.IsNullOrEmpty(value) ? null : value;
        }

        IReadOnlyList<string> Many(string name, Func<string, bool> valid, string message)
        {
            var values = given[IndexOfParameter(name)];
            var list = values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal).ToList();
            if (list.Count > MaxValues) { errors[name] = [$"Give at most {MaxValues} values for '{name}'."]; return []; }
            var bad = list.Where(v => !valid(v)).ToList();
            if (bad.Count > 0) { errors[name] = [string.Format(CultureInfo.InvariantCulture, message, Shorten(bad[0]))]; return []; }
            return list;
        }

        if (Single("from") is { } from)
        {
            if (ParseBound(from, isEnd: false) is { } f) filter = filter with { From = f };
            else errors["from"] = ["'from' must be a date (2026-05-04) or an instant with offset (2026-05-04T12:00:00Z)."];
        }
        if (Single("to") is { } to)
        {
            if (ParseBound(to, isEnd: true) is { } t) filter = filter with { To = t };
            else errors["to"] = ["'to' must be a date (2026-05-04) or an instant with offset (2026-05-04T12:00:00Z)."];
        }
        if (filter.From is { } f1 && filter.To is { } t1 && t1 <= f1)
            errors["to"] = ["'to' must be later than 'from'."];

        filter = filter with
        {
            Kinds = Many("kind", Vocabulary.IsKind, $"Unknown kind '{{0}}'; use one of: {string.Join(", ", Vocabulary.Kinds)}."),
            Tags = Many("tag", InputParsing.IsSlug, "'{0}' is not a tag: tags are lowercase words joined by hyphens."),
        };
        filter = filter with
        {
            Languages = Many("language", IsLanguageTag, "'{0}' is not a BCP 47 language tag such as fr or fr-BE.")
                .Select(l => l.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList(),
        };

        if (Single("organizer") is { } organizer)
        {
            if (organizer.Length <= 200 && !InputParsing.HasForbiddenCharacters(organizer, multiLine: false))
                filter = filter with { Organizer = organizer };
            else errors["organizer"] = ["'organizer' must be an organisation's name of at most 200 characters."];
        }
        if (Single("country") is { } country)
        {
            if (Vocabulary.Countries.Contains(country.ToUpperInvariant())) filter = filter with { Country = country.ToUpperInvariant() };
            else errors["country"] = ["'country' must be an ISO 3166-1 two-letter code such as BE."];
        }
        if (Single("online") is { } online)
        {
            if (bool.TryParse(online, out var o)) filter = filter with { Online = o };
            else errors["online"] = ["'online' must be true or false."];
        }
        if (Single("q") is { } q)
        {
            if (q.Length <= MaxQueryLength && !InputParsing.HasForbiddenCharacters(q, multiLine: false)) filter = filter with { Query = q };
            else errors["q"] = [$"'q' must be plain text of at most {MaxQueryLength} characters."];
        }
        if (Single("limit") is { } limit)
        {
            if (!allowLimit) errors["limit"] = ["'limit' is not used here."];
            else if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit)
                filter = filter with { Limit = n };
            else errors["limit"] = [$"'limit' must be a whole number from 1 to {MaxLimit}."];
        }
        if (Single("cursor") is { } cursor)
        {
            if (!allowCursor) errors["cursor"] = ["'cursor' is not used here."];
            else if (DecodeCursor(cursor) is { } position) filter = filter with { After = position };
            else errors["cursor"] = ["'cursor' is not one this service issued; start again without it."];
        }

        return new FilterParseResult(errors.Count == 0 ? filter : null, errors);
    }

    /// <summary>Parses a saved query string (a named feed's filter, with or without '?').</summary>
    public static FilterParseResult Parse(string queryString, bool allowLimit = false, bool allowCursor = false)
    {
        var parsed = HttpUtility.ParseQueryString(queryString);
        return Parse(parsed.AllKeys.OfType<string>().Select(k => new KeyValuePair<string, StringValues>(k, parsed.GetValues(k))),
            allowLimit, allowCursor);
    }

    private static int IndexOfParameter(string name)
    {
        for (var i = 0; i < ParameterNames.Count; i++)
            if (string.Equals(ParameterNames[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The filter as query parameters again (without cursor), in a stable order, for links and feed URLs.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToQuery(bool includeLimit = false)
    {
        if (From is { } f) yield return new("from", FormatBound(f));
        if (To is { } t) yield return new("to", FormatBound(t, isEnd: true));
        foreach (var k in Kinds) yield return new("kind", k);
        foreach (var tag in Tags) yield return new("tag", tag);
        foreach (var language in Languages) yield return new("language", language);
        if (Organizer is not null) yield return new("organizer", Organizer);
        if (Country is not null) yield return new("country", Country);
        if (Online is { } o) yield return new("online", o ? "true" : "false");
        if (Query is not null) yield return new("q", Query);
        if (includeLimit && Limit != DefaultLimit) yield return new("limit", Limit.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The filter as a percent-encoded query string with '?' ("" when empty), in <see cref="ToQuery"/>'s
    /// order, plus any extra parameters (a cursor, a limit): the one way every link, feed URL and snippet is built.</summary>
    public string ToQueryString(params KeyValuePair<string, string>[] extra)
    {
        // Encoded as ASP.NET Core's QueryString.Create encodes, so stored feed filters and published links stay the same.
        var text = new StringBuilder();
        foreach (var (key, value) in ToQuery().Concat(extra))
            text.Append(text.Length == 0 ? '?' : '&').Append(UrlEncoder.Default.Encode(key)).Append('=').Append(UrlEncoder.Default.Encode(value));
        return text.ToString();
    }

    /// <summary>The canonical query string without '?': what named feeds store and feed caches key on.</summary>
    public string CanonicalQuery() => ToQueryString().TrimStart('?');

    public static string EncodeCursor(ListPosition position)
    {
        var text = $"{position.StartsAt.Ticks.ToString(CultureInfo.InvariantCulture)}.{position.Id:N}";
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    public static ListPosition? DecodeCursor(string cursor)
    {
        if (cursor.Length > 100) return null;
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.Split('.');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                && Guid.TryParseExact(parts[1], "N", out var id))
                return new ListPosition(new DateTime(ticks, DateTimeKind.Utc), id);
        }
        catch (FormatException) { }
        return null;
    }

    private static DateTime? ParseBound(string value, bool isEnd)
    {
        if (InputParsing.Date(value) is { } date)
            return TimeZones.MidnightUtc(isEnd ? date.AddDays(1) : date);
        if (value.Length <= 40
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && InputParsing.HasOffset(value)
            && instant.Year is >= InputParsing.MinYear and <= InputParsing.MaxYear)
            return instant.UtcDateTime;
        return null;
    }

    private static string FormatBound(DateTime value, bool isEnd = false)
    {
        if (value.TimeOfDay == TimeSpan.Zero)
            return DateOnly.FromDateTime(isEnd ? value.AddDays(-1) : value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The shape the events table's CHECK accepts for a language: a 2–3 letter primary tag and subtags.</summary>
    public static bool IsLanguageTag(string value) => value.Length <= 35 && LanguageTag().IsMatch(value);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}

public sealed record FilterParseResult(EventFilter? Filter, IDictionary<string, string[]> Errors)
{
    public bool IsValid => Filter is not null;
}
