using System.Collections.Frozen;
using System.Text;

namespace Calendar.Core.Import;

/// <summary>One component of the feed as raw, unfolded content lines (BEGIN/END included), and its children.</summary>
public sealed class RawComponent(string name)
{
    public string Name { get; } = name;
    public List<string> Lines { get; } = [];
    public List<RawComponent> Children { get; } = [];

    /// <summary>Value of the first property with this name (no unescaping), or null.</summary>
    public string? Value(string property) => Property(property)?.Value;

    public (string Parameters, string Value)? Property(string property)
    {
        foreach (var line in Lines)
        {
            if (IcsText.Split(line) is { } p && p.Name.Equals(property, StringComparison.OrdinalIgnoreCase))
                return (p.Parameters, p.Value);
        }
        return null;
    }

    public IEnumerable<(string Parameters, string Value)> Properties(string property)
    {
        foreach (var line in Lines)
        {
            if (IcsText.Split(line) is { } p && p.Name.Equals(property, StringComparison.OrdinalIgnoreCase))
                yield return (p.Parameters, p.Value);
        }
    }

    /// <summary>The component as iCalendar text, children included.</summary>
    public void WriteTo(StringBuilder text)
    {
        text.Append("BEGIN:").Append(Name).Append("\r\n");
        foreach (var line in Lines) text.Append(line).Append("\r\n");
        foreach (var child in Children) child.WriteTo(text);
        text.Append("END:").Append(Name).Append("\r\n");
    }
}

/// <summary>
/// The byte- and line-level reading Ical.Net leaves to us: the encoding (UTF-8, or Windows-1252/Latin-1 when the
/// bytes are not valid UTF-8), folding (undone on bytes, so a UTF-8 character split by a fold survives), telling
/// a calendar from an HTML or JSON page or a file that breaks off, and splitting it into components so that one
/// broken VEVENT costs only itself.
/// </summary>
public static class IcsText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static IcsText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Decoded, unfolded text; <paramref name="latin1"/> tells whether the UTF-8 reading failed.</summary>
    public static string Decode(byte[] content, out bool latin1)
    {
        latin1 = false;
        if (content.Length >= 2 && (content[0] == 0xFF && content[1] == 0xFE || content[0] == 0xFE && content[1] == 0xFF))
        {
            var unicode = content[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return Unfold(unicode.GetString(content, 2, content.Length - 2));
        }
        var bytes = UnfoldBytes(content);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            latin1 = true;
            // Windows-1252 is what "Latin-1" producers (old Outlook, Lotus Notes, PHP sites) really write: it agrees
            // with ISO-8859-1 on every printable character and gives 0x80-0x9F their euro sign and quotes.
            return Encoding.GetEncoding(1252).GetString(bytes, start, bytes.Length - start);
        }
    }

    private static byte[] UnfoldBytes(byte[] content)
    {
        var output = new byte[content.Length];
        var n = 0;
        for (var i = 0; i < content.Length; i++)
        {
            var b = content[i];
            if (b == '\r' && i + 2 < content.Length && content[i + 1] == '\n' && content[i + 2] is (byte)' ' or (byte)'\t')
            {
                i += 2;
                continue;
            }
            if (b == '\n' && i + 1 < content.Length && content[i + 1] is (byte)' ' or (byte)'\t')
            {
                i += 1;
                continue;
            }
            output[n++] = b;
        }
        return output.AsSpan(0, n).ToArray();
    }

    private static string Unfold(string text) =>
        text.Replace("\r\n ", "").Replace("\r\n\t", "").Replace("\n ", "").Replace("\n\t", "");

    /// <summary>The VCALENDAR components of the text (some producers concatenate several).</summary>
    /// <exception cref="NotACalendarException">HTML, JSON, anything else, or a calendar that breaks off.</exception>
    public static List<RawComponent> Components(string text)
    {
        // Classic Mac OS line ends (CR alone).
        if (!text.Contains('\n')) text = text.Replace("\r ", "").Replace('\r', '\n');
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n', '\0');
        if (trimmed.Length == 0) throw new NotACalendarException("The response is empty.");
        if (!trimmed.StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            var what = trimmed[0] switch
            {
                '<' => "an HTML or XML page",
                '{' or '[' => "JSON",
                _ => "not iCalendar",
            };
            throw new NotACalendarException($"The response is {what}, not an iCalendar feed (it does not start with BEGIN:VCALENDAR).");
        }
        if (text.Contains('\0')) throw new NotACalendarException("The response contains binary data (NUL bytes), not iCalendar text.");

        var calendars = new List<RawComponent>();
        var stack = new Stack<RawComponent>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.Trim().Length == 0) continue;
            if (line.StartsWith("BEGIN:", StringComparison.OrdinalIgnoreCase))
            {
                var component = new RawComponent(line[6..].Trim().ToUpperInvariant());
                if (stack.Count == 0)
                {
                    if (component.Name != "VCALENDAR") throw new NotACalendarException($"Unexpected BEGIN:{component.Name} outside VCALENDAR.");
                    calendars.Add(component);
                }
                else stack.Peek().Children.Add(component);
                stack.Push(component);
                continue;
            }
            if (line.StartsWith("END:", StringComparison.OrdinalIgnoreCase))
            {
                var name = line[4..].Trim().ToUpperInvariant();
                if (stack.Count == 0) continue;
                // An END that does not close the innermost component closes everything up to its match: a VEVENT
                // missing its END:VALARM should not swallow the rest of the file.
                if (stack.Any(c => c.Name == name))
                {
                    while (stack.Pop().Name != name) { }
                }
                continue;
            }
            if (stack.Count == 0) continue;
            var lines = stack.Peek().Lines;
            // A line that is no property continues the previous one: producers that forget to fold long text
            // (pasted e-mails in DESCRIPTION) break it at their own line ends.
            if (!IsProperty(line) && lines.Count > 0) lines[^1] += "\\n" + line;
            else lines.Add(line);
        }
        if (calendars.Count == 0) throw new NotACalendarException("The response holds no VCALENDAR.");
        if (stack.Count > 0) throw new NotACalendarException("The calendar breaks off: END:VCALENDAR is missing (a truncated download?).");
        return calendars;
    }

    private static readonly FrozenSet<string> PropertyNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "CALSCALE", "METHOD", "PRODID", "VERSION", "ATTACH", "CATEGORIES", "CLASS", "COMMENT", "DESCRIPTION", "GEO",
        "LOCATION", "PERCENT-COMPLETE", "PRIORITY", "RESOURCES", "STATUS", "SUMMARY", "COMPLETED", "DTEND", "DUE",
        "DTSTART", "DURATION", "FREEBUSY", "TRANSP", "TZID", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "TZURL",
        "ATTENDEE", "CONTACT", "ORGANIZER", "RECURRENCE-ID", "RELATED-TO", "URL", "UID", "EXDATE", "EXRULE", "RDATE",
        "RRULE", "ACTION", "REPEAT", "TRIGGER", "CREATED", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "REQUEST-STATUS",
        "NAME", "REFRESH-INTERVAL", "SOURCE", "COLOR", "IMAGE", "CONFERENCE", "TZUNTIL", "TZID-ALIAS-OF",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>A known property or an extension (X-…); anything else is stray text.</summary>
    public static bool IsProperty(string line) =>
        Split(line) is { } p && (PropertyNames.Contains(p.Name) || p.Name.StartsWith("X-", StringComparison.OrdinalIgnoreCase));

    /// <summary>Splits a content line into name, parameters (with the leading ';', or empty) and value, respecting
    /// quoted parameter values; null for a line that is not a property.</summary>
    public static (string Name, string Parameters, string Value)? Split(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '-')) i++;
        if (i == 0 || i >= line.Length || line[i] is not (';' or ':')) return null;
        var name = line[..i];
        var parametersStart = i;
        var quoted = false;
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"') quoted = !quoted;
            else if (c == ':' && !quoted) return (name, line[parametersStart..i], line[(i + 1)..]);
        }
        return null;
    }

    /// <summary>One parameter's value (unquoted), or null.</summary>
    public static string? Parameter(string parameters, string name)
    {
        var i = 0;
        while (i < parameters.Length)
        {
            if (parameters[i] != ';') { i++; continue; }
            var eq = parameters.IndexOf('=', i);
            if (eq < 0) return null;
            var key = parameters[(i + 1)..eq].Trim();
            var j = eq + 1;
            string value;
            if (j < parameters.Length && parameters[j] == '"')
            {
                var close = parameters.IndexOf('"', j + 1);
                if (close < 0) close = parameters.Length;
                value = parameters[(j + 1)..close];
                i = close + 1;
            }
            else
            {
                var end = parameters.IndexOf(';', j);
                if (end < 0) end = parameters.Length;
                value = parameters[j..end];
                i = end;
            }
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }
}
