using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Calendar.Core.Events;
using NodaTime;

namespace Calendar.Api.Pages;

/// <summary>
/// schema.org Event for search engines, as a complete &lt;script type="application/ld+json"&gt; element.
/// System.Text.Json's encoder writes &lt;, &gt;, &amp; and quotes as \u escapes, so no title can close the script
/// element; non-Latin text stays readable.
/// </summary>
public static class EventJsonLd
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static JsonObject Build(Event e, Occurrence o, string pageUrl)
    {
        var json = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Event",
            ["name"] = e.Title,
            ["url"] = pageUrl,
            ["startDate"] = e.AllDay ? Display.Iso(o.StartsOn!.Value) : WithOffset(o.StartsAt, e.TimeZone),
            ["endDate"] = e.AllDay ? Display.Iso(o.EndsOn!.Value) : WithOffset(o.EndsAt, e.TimeZone),
            ["eventStatus"] = e.Status == EventStatus.Cancelled ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled",
            ["eventAttendanceMode"] = (e.HasLocation, e.Online) switch
            {
                (true, true) => "https://schema.org/MixedEventAttendanceMode",
                (false, true) => "https://schema.org/OnlineEventAttendanceMode",
                _ => "https://schema.org/OfflineEventAttendanceMode",
            },
        };
        if (e.Description.Length > 0) json["description"] = e.Description;
        if (e.Language is not null) json["inLanguage"] = e.Language;

        var locations = new JsonArray();
        if (e.HasLocation)
        {
            var address = new JsonObject { ["@type"] = "PostalAddress" };
            if (e.Address is not null) address["streetAddress"] = e.Address;
            if (e.City is not null) address["addressLocality"] = e.City;
            if (e.Country is not null) address["addressCountry"] = e.Country;
            var place = new JsonObject { ["@type"] = "Place", ["address"] = address };
            place["name"] = e.Venue ?? e.City ?? Display.CountryName(e.Country ?? "");
            locations.Add(place);
        }
        if (e.Online)
        {
            var virtualLocation = new JsonObject { ["@type"] = "VirtualLocation" };
            virtualLocation["url"] = Display.SafeUrl(e.JoinUrl) ?? pageUrl;
            locations.Add(virtualLocation);
        }
        if (locations.Count == 1) json["location"] = locations[0]!.DeepClone();
        else if (locations.Count > 1) json["location"] = locations;

        if (e.Organizers.Length > 0)
            json["organizer"] = new JsonArray(e.Organizers.Select(name => (JsonNode)new JsonObject { ["@type"] = "Organization", ["name"] = name }).ToArray());
        if (Display.SafeUrl(e.RegistrationUrl) is { } registration)
            json["offers"] = new JsonObject { ["@type"] = "Offer", ["url"] = registration };
        return json;
    }

    public static string Script(Event e, Occurrence o, string pageUrl) =>
        "<script type=\"application/ld+json\">" + Build(e, o, pageUrl).ToJsonString(Options) + "</script>";

    private static string WithOffset(DateTime utc, string? zoneId)
    {
        var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var zone = TimeZones.Find(zoneId) ?? DateTimeZone.Utc;
        return instant.InZone(zone).ToOffsetDateTime().ToString("uuuu-MM-dd'T'HH:mm:sso<m>", CultureInfo.InvariantCulture);
    }
}
