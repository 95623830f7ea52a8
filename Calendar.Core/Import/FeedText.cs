using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Calendar.Core.Events;

namespace Calendar.Core.Import;

/// <summary>Turns what producers put in text properties into what the event model holds: plain text within the
/// validator's limits, a join link, a place.</summary>
public static partial class FeedText
{
    public const string Ellipsis = "…";

    /// <summary>One line of plain text (controls and direction overrides dropped, whitespace collapsed), cut to
    /// <paramref name="max"/> characters with an ellipsis.</summary>
    public static string? Line(string? value, int max)
    {
        if (value is null) return null;
        // WordPress (The Events Calendar) writes titles with HTML entities ("&#8211;", "&amp;").
        if (Entity().IsMatch(value)) value = WebUtility.HtmlDecode(value);
        var text = Spaces().Replace(Clean(value, multiLine: false), " ").Trim();
        return text.Length == 0 ? null : Cut(text, max);
    }

    /// <summary>Plain text of a description: HTML turned into lines and bare URLs, at most <paramref name="max"/>.</summary>
    public static string? Description(string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = LooksLikeHtml(value) ? HtmlToText(value) : AngleLinks().Replace(value, " $1");
        text = Clean(text.Replace("\r\n", "\n").Replace('\r', '\n'), multiLine: true);
        text = string.Join('\n', text.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()));
        text = BlankLines().Replace(text, "\n\n").Trim();
        return text.Length == 0 ? null : Cut(text, max);
    }

    public static bool LooksLikeHtml(string value) => HtmlTag().IsMatch(value);

    /// <summary>HTML as plain text: blocks and &lt;br&gt; become line breaks, list items get a dash, a link whose
    /// text is not its address keeps the address in brackets, entities are decoded, everything else is dropped.</summary>
    public static string HtmlToText(string html)
    {
        var text = Invisible().Replace(html, "");
        text = Comments().Replace(text, "");
        text = Anchor().Replace(text, m =>
        {
            var href = WebUtility.HtmlDecode(m.Groups["href"].Value).Trim();
            var inner = WebUtility.HtmlDecode(AnyTag().Replace(m.Groups["text"].Value, "")).Trim();
            if (!href.StartsWith("http", StringComparison.OrdinalIgnoreCase)) return inner;
            if (inner.Length == 0 || inner.Equals(href, StringComparison.OrdinalIgnoreCase)
                || href.Contains(inner, StringComparison.OrdinalIgnoreCase)) return " " + href + " ";
            return $"{inner} ({href})";
        });
        text = LineBreak().Replace(text, "\n");
        text = ListItem().Replace(text, "\n- ");
        text = BlockEnd().Replace(text, "\n");
        text = AnyTag().Replace(text, "");
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');
        return text;
    }

    private static string Clean(string value, bool multiLine)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\n' || c == '\t') { builder.Append(multiLine && c == '\n' ? '\n' : ' '); continue; }
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
                continue;
            }
            if (char.IsControl(c) || char.IsSurrogate(c)) { builder.Append(' '); continue; }
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFEFF' or '\u200B') continue;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Cuts to at most <paramref name="max"/> characters, ending in an ellipsis, never inside a surrogate pair.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var length = max - Ellipsis.Length;
        if (char.IsHighSurrogate(text[length - 1])) length--;
        return text[..length].TrimEnd() + Ellipsis;
    }

    /// <summary>The online meeting's join link, when one is clearly there: an RFC 7986 CONFERENCE or a vendor
    /// property first, then a Teams, Zoom, Meet, Webex, GoTo or Jitsi meeting address in the text.</summary>
    public static string? JoinUrl(IEnumerable<string?> properties, IEnumerable<string?> texts)
    {
        foreach (var value in properties)
        {
            if (value is null) continue;
            var url = value.Trim();
            if (InputParsing.IsHttpUrl(url)) return url;
        }
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            foreach (Match m in Url().Matches(WebUtility.HtmlDecode(text)))
            {
                var url = Unwrap(m.Value.TrimEnd('.', ',', ';', ')', ']', '>', '"', '\'', '*'));
                if (MeetingLink().IsMatch(url) && InputParsing.IsHttpUrl(url)) return url;
            }
        }
        return null;
    }

    /// <summary>The address behind a Microsoft Defender "Safe Links" wrapper, which Outlook puts around every link
    /// of a mail-forwarded invitation.</summary>
    private static string Unwrap(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.Host.EndsWith(".safelinks.protection.outlook.com", StringComparison.OrdinalIgnoreCase))
            return url;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return query["url"] is { } target && InputParsing.IsHttpUrl(target) ? target : url;
    }

    /// <summary>The first plain http(s) address in a text (for a LOCATION that is only a link).</summary>
    public static bool IsOnlyUrl(string value) => InputParsing.IsHttpUrl(value.Trim());

    /// <summary>LOCATION as the event model's place: one line as the venue (or venue + address when long), and a
    /// country only when the text ends in an ISO 3166 code ("…, Vienna, AT").</summary>
    public static LocationInput? Location(string? value)
    {
        var line = Line(value?.Replace("\n", ", "), 10_000);
        if (line is null || IsOnlyUrl(line) || OnlinePlaceholder().IsMatch(line)) return null;
        string? country = null;
        var parts = line.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count > 1 && parts[^1].Length == 2 && Vocabulary.Countries.Contains(parts[^1]))
        {
            country = parts[^1];
            parts.RemoveAt(parts.Count - 1);
        }
        var text = string.Join(", ", parts);
        if (text.Length <= 200) return new LocationInput { Venue = text.Length > 0 ? text : null, Country = country };
        var venue = Cut(parts[0], 200);
        var address = parts.Count > 1 ? Cut(string.Join(", ", parts.Skip(1)), 300) : null;
        return new LocationInput { Venue = venue, Address = address, Country = country };
    }

    [GeneratedRegex(@"</?(p|br|div|span|a|b|i|u|strong|em|ul|ol|li|h[1-6]|table|tr|td|th|tbody|html|body|head|font|img|hr|blockquote|pre|center|o:p)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"<(head|style|script|title|xml)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"<a\b[^>]*?\bhref\s*=\s*(?:""(?<href>[^""]*)""|'(?<href>[^']*)'|(?<href>[^\s>]+))[^>]*>(?<text>.*?)</a\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Anchor();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"<li\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"</(p|div|h[1-6]|tr|table|ul|ol|blockquote|pre)\s*>|<(p|div|tr|hr|table|ul|ol|h[1-6])\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex AnyTag();

    // Outlook's plain-text bodies write links as "text<https://…>".
    [GeneratedRegex(@"<(https?://[^>\s]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex AngleLinks();

    [GeneratedRegex(@"&(#[0-9]{2,6}|#x[0-9a-fA-F]{2,5}|amp|quot|apos|lt|gt|nbsp|ndash|mdash|rsquo|lsquo|rdquo|ldquo|hellip);")]
    private static partial Regex Entity();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"^https?://([a-z0-9-]+\.)*(teams\.microsoft\.com/(l/meetup-join|meet)/|teams\.live\.com/meet/|zoom\.us/(j|w|my|s)/|zoomgov\.com/(j|w)/|meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}|webex\.com/(meet/|join/|[^/]+/j\.php|[^/]+/e\.php|wbxmjs/joinservice)|gotomeet(ing)?\.com/join/|meet\.goto\.com/|global\.gotomeeting\.com/join/|meet\.jit\.si/.|whereby\.com/.)", RegexOptions.IgnoreCase)]
    private static partial Regex MeetingLink();

    [GeneratedRegex(@"^(microsoft teams([ -](meeting|besprechung|réunion|vergadering))?|teams|zoom( meeting)?|google meet|webex( meeting)?|online|virtual|online meeting)$", RegexOptions.IgnoreCase)]
    private static partial Regex OnlinePlaceholder();
}
