using System.Globalization;
using System.Text;
using Calendar.Core.Events;

namespace Calendar.Core.Import;

// TEMPORARY: stands in for IcsFeedReader (branch import-reader) until it is merged. Reads only plain VEVENTs with
// UTC, TZID (IANA) or VALUE=DATE times.
public sealed class InterimFeedReader : IFeedReader
{
    public FeedReadResult Read(byte[] feed, FeedReadOptions options)
    {
        var text = Encoding.UTF8.GetString(feed).Replace("\r\n ", "").Replace("\n ", "");
        if (!text.TrimStart('\uFEFF', ' ', '\r', '\n').StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
            throw new NotACalendarException("The answer is not an iCalendar feed (it does not begin with BEGIN:VCALENDAR).");
        var events = new List<ImportedEvent>();
        var skipped = new List<SkippedEvent>();
        Dictionary<string, (string Params, string Value)>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == "BEGIN:VEVENT") { current = new(StringComparer.OrdinalIgnoreCase); continue; }
            if (line == "END:VEVENT" && current is not null)
            {
                var e = ToEvent(current);
                if (e is null) skipped.Add(new SkippedEvent(current.GetValueOrDefault("UID").Value, "no usable DTSTART"));
                else events.Add(e);
                current = null;
                continue;
            }
            if (current is null) continue;
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var head = line[..colon];
            var semi = head.IndexOf(';');
            var name = semi < 0 ? head : head[..semi];
            current[name] = (semi < 0 ? "" : head[(semi + 1)..], Unescape(line[(colon + 1)..]));
        }
        return new FeedReadResult(events, skipped, []);
    }

    private static string Unescape(string v) => v.Replace("\\n", "\n").Replace("\\N", "\n").Replace("\\,", ",").Replace("\\;", ";").Replace("\\\\", "\\");

    private static ImportedEvent? ToEvent(Dictionary<string, (string Params, string Value)> p)
    {
        if (!p.TryGetValue("DTSTART", out var start)) return null;
        var input = new EventInput
        {
            Title = p.GetValueOrDefault("SUMMARY").Value,
            Description = p.GetValueOrDefault("DESCRIPTION").Value,
            Location = p.TryGetValue("LOCATION", out var loc) ? new LocationInput { Venue = loc.Value } : null,
            Organizers = [],
        };
        if (start.Params.Contains("VALUE=DATE", StringComparison.OrdinalIgnoreCase))
        {
            var s = DateOnly.ParseExact(start.Value, "yyyyMMdd", CultureInfo.InvariantCulture);
            var e = p.TryGetValue("DTEND", out var end) ? DateOnly.ParseExact(end.Value, "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(-1) : s;
            input.AllDay = true;
            input.StartsOn = s.ToString("yyyy-MM-dd");
            input.EndsOn = e.ToString("yyyy-MM-dd");
        }
        else
        {
            var zone = start.Value.EndsWith('Z') ? "UTC" : start.Params.Split(';').Select(x => x.Split('=')).FirstOrDefault(x => x[0] == "TZID")?[1] ?? "UTC";
            string Local(string v) => DateTime.ParseExact(v.TrimEnd('Z'), "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd'T'HH:mm");
            input.AllDay = false;
            input.TimeZone = zone;
            input.StartsAt = Local(start.Value);
            input.EndsAt = p.TryGetValue("DTEND", out var end) ? Local(end.Value) : input.StartsAt;
        }
        var uid = p.GetValueOrDefault("UID").Value;
        var cancelled = string.Equals(p.GetValueOrDefault("STATUS").Value, "CANCELLED", StringComparison.OrdinalIgnoreCase);
        return new ImportedEvent(uid ?? $"nouid:{start.Value}:{input.Title}", uid, null, input,
            int.TryParse(p.GetValueOrDefault("SEQUENCE").Value, out var seq) ? seq : 0, null, cancelled);
    }
}
