using System.Text;
using System.Text.Json;
using Calendar.Api.Endpoints;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Calendar.Tests.Api;

/// <summary>The list page is written by source-generated code; every other JSON answer by the API's configured
/// serializer. Both must write the same bytes for the same page.</summary>
public sealed class ListJsonTests : AppFixture
{
    private static Event Sample() => new()
    {
        Id = Guid.Parse("0190a4b2-0000-7000-8000-000000000001"), Title = "Forum <b>&</b> \"quotes\" 'é' ü 😀 \u2028", Description = "Line\nbreak\ttab \\ </script>",
        Kind = "conference", Status = "confirmed", Moderation = "published", AllDay = false,
        StartsLocal = new DateTime(2031, 3, 28, 9, 30, 0), EndsLocal = new DateTime(2031, 3, 28, 17, 0, 0), TimeZone = "Europe/Chisinau",
        StartsAt = new DateTime(2031, 3, 28, 7, 30, 0, DateTimeKind.Utc), EndsAt = new DateTime(2031, 3, 28, 15, 0, 0, DateTimeKind.Utc),
        Venue = "Hall", Address = null, City = "Chișinău", Country = "MD", Online = true, JoinUrl = "https://example.org/j?a=1&b=<2>",
        Organizers = ["La Strada", "O'Brien & Co"], Tags = ["policy"], Language = "ro-MD", RegistrationUrl = "https://example.org/r",
        MoreInfoUrl = null, ContactEmail = "secret@example.org", CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9),
        UpdatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), Sequence = 3, Revision = 7,
    };

    [Test]
    public void A_list_page_is_written_byte_for_byte_as_the_API_serializer_writes_it()
    {
        var timed = Sample();
        var allDaySeries = new Event
        {
            Id = Guid.Parse("0190a4b2-0000-7000-8000-000000000002"), Title = "World day", Description = "", Kind = "world-day",
            Status = "tentative", Moderation = "published", AllDay = true, StartsOn = new DateOnly(2017, 7, 30), EndsOn = new DateOnly(2017, 7, 31),
            StartsAt = new DateTime(2017, 7, 30, 0, 0, 0, DateTimeKind.Utc), EndsAt = new DateTime(2017, 8, 1, 0, 0, 0, DateTimeKind.Utc),
            Recurrence = "FREQ=YEARLY", CreatedAt = DateTime.UnixEpoch, UpdatedAt = DateTime.UnixEpoch,
        };
        var later = new Occurrence(allDaySeries, new DateTime(2031, 7, 30, 0, 0, 0, DateTimeKind.Utc), new DateTime(2031, 8, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateOnly(2031, 7, 30), new DateOnly(2031, 7, 31), null, null);
        var page = new EventPage(
            [EventJson.From(timed, occurrence: Occurrence.Single(timed)), EventJson.From(allDaySeries, occurrence: later)],
            "NjM4NTA0NDM2MjcwMDAwMDAwLjAwMDA+/=");
        var api = App.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;

        var generated = Encoding.UTF8.GetString(ListJson.Write(page));

        Assert.That(generated, Is.EqualTo(JsonSerializer.Serialize(page, api)));
        Assert.That(generated, Does.Contain("\\uD83D").And.Not.Contain("contactEmail"));
        Assert.That(Encoding.UTF8.GetString(ListJson.Write(page with { NextCursor = null })),
            Is.EqualTo(JsonSerializer.Serialize(page with { NextCursor = null }, api)));
    }
}
