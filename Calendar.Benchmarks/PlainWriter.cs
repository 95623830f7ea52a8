using System.Globalization;
using System.Text;
using Calendar.Core.Events;

namespace Calendar.Benchmarks;

/// <summary>
/// The baseline: a minimal, plain RFC 5545 writer (StringBuilder, escaping, one folding pass to UTF-8) writing
/// the core properties and nothing else: no VTIMEZONE building, no Outlook or RFC 7986 extras.
/// </summary>
public static class PlainWriter
{
    public static byte[] Write(IReadOnlyList<Event> events)
    {
        var sb = new StringBuilder(events.Count * 900);
        sb.Append("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//plain//EN\nMETHOD:PUBLISH\n");
        foreach (var e in events)
        {
            sb.Append("BEGIN:VEVENT\nUID:").Append(e.Id.ToString("D")).Append('\n');
            sb.Append("DTSTAMP:").Append(e.UpdatedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("SEQUENCE:").Append(e.Sequence).Append('\n');
            sb.Append("SUMMARY:"); Escape(sb, e.Title); sb.Append('\n');
            if (e.AllDay)
            {
                sb.Append("DTSTART;VALUE=DATE:").Append(e.StartsOn!.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture)).Append('\n');
                sb.Append("DTEND;VALUE=DATE:").Append(e.EndsOn!.Value.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture)).Append('\n');
            }
            else
            {
                sb.Append("DTSTART;TZID=").Append(e.TimeZone).Append(':').Append(e.StartsLocal!.Value.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)).Append('\n');
                sb.Append("DTEND;TZID=").Append(e.TimeZone).Append(':').Append(e.EndsLocal!.Value.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)).Append('\n');
            }
            if (e.Recurrence is not null) sb.Append("RRULE:").Append(e.Recurrence).Append('\n');
            sb.Append("STATUS:").Append(e.Status.ToUpperInvariant()).Append('\n');
            if (e.City is not null) { sb.Append("LOCATION:"); Escape(sb, $"{e.Venue}, {e.City}"); sb.Append('\n'); }
            sb.Append("DESCRIPTION:"); Escape(sb, e.Description); sb.Append('\n');
            sb.Append("END:VEVENT\n");
        }
        sb.Append("END:VCALENDAR\n");
        return Fold(sb.ToString());
    }

    private static void Escape(StringBuilder sb, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case ';': sb.Append("\\;"); break;
                case ',': sb.Append("\\,"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Lines ("\n"-separated) to UTF-8 with CRLF, folded at 75 octets on character boundaries.</summary>
    private static byte[] Fold(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new byte[bytes.Length + bytes.Length / 25 + 1024];
        var o = 0;
        var column = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == (byte)'\n') { output[o++] = (byte)'\r'; output[o++] = (byte)'\n'; column = 0; continue; }
            var length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0; // 0: continuation byte
            if (length > 0 && column + length > 75)
            {
                output[o++] = (byte)'\r'; output[o++] = (byte)'\n'; output[o++] = (byte)' '; column = 1;
            }
            output[o++] = b;
            column++;
        }
        return output.AsSpan(0, o).ToArray();
    }
}
