using Calendar.Core.Events;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Calendar.Benchmarks;

/// <summary>The same feed through Ical.Net 5: build the Calendar (VTIMEZONE from its NodaTime data) and serialize.</summary>
public static class IcalNetWriter
{
    public static string Write(IReadOnlyList<Event> events)
    {
        var calendar = new Ical.Net.Calendar { Method = "PUBLISH" };
        foreach (var zone in events.Where(e => !e.AllDay).Select(e => e.TimeZone!).Distinct())
            calendar.AddTimeZone(VTimeZone.FromDateTimeZone(zone));
        foreach (var e in events)
        {
            var ev = new CalendarEvent
            {
                Uid = e.Id.ToString("D"),
                Summary = e.Status == "cancelled" ? "Cancelled: " + e.Title : e.Title,
                Description = e.Description,
                Sequence = e.Sequence,
                Status = e.Status.ToUpperInvariant(),
                DtStamp = new CalDateTime(e.UpdatedAt, "UTC"),
                LastModified = new CalDateTime(e.UpdatedAt, "UTC"),
                Url = new Uri($"https://calendar.example.org/events/{e.Id:D}"),
                Transparency = e.Kind == "world-day" ? "TRANSPARENT" : "OPAQUE",
            };
            if (e.AllDay)
            {
                ev.DtStart = new CalDateTime(e.StartsOn!.Value);
                ev.DtEnd = new CalDateTime(e.EndsOn!.Value.AddDays(1));
            }
            else
            {
                ev.DtStart = new CalDateTime(e.StartsLocal!.Value, e.TimeZone);
                ev.DtEnd = new CalDateTime(e.EndsLocal!.Value, e.TimeZone);
            }
            if (e.Recurrence is not null) ev.RecurrenceRule = new RecurrenceRule(e.Recurrence);
            if (e.City is not null) ev.Location = $"{e.Venue}, {e.City}";
            foreach (var tag in e.Tags) ev.Categories.Add(tag);
            calendar.Events.Add(ev);
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
