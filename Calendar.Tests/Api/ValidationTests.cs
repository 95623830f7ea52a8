using System.Net;
using System.Text;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>Every field of the SPEC, rejected with a problem naming it, and nothing stored.</summary>
public sealed class ValidationTests : AppFixture
{
    private HttpClient _moderator = null!;

    protected override async Task SeedAsync()
    {
        _moderator = App.Moderator();
        await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed("Existing event"));
    }

    private static Dictionary<string, object?> Loc(string? country = "AT", string? city = "Vienna") =>
        new() { ["venue"] = null, ["city"] = city, ["country"] = country };

    public static IEnumerable<TestCaseData> InvalidBodies()
    {
        var timed = EventBuilder.Timed();
        var allDay = EventBuilder.AllDay();
        TestCaseData Case(Dictionary<string, object?> body, string field, string name) =>
            new TestCaseData(body, field).SetName($"Rejects_{name}");

        yield return Case(timed.Without("title"), "title", "a_missing_title");
        yield return Case(timed.With("title", "   "), "title", "a_blank_title");
        yield return Case(timed.With("title", new string('x', 201)), "title", "a_title_over_200_characters");
        yield return Case(timed.With("title", "Line one\r\nBEGIN:VEVENT"), "title", "a_title_with_CRLF");
        yield return Case(timed.With("title", "Evil \u202Egnp.exe"), "title", "a_title_with_a_right_to_left_override");
        yield return Case(timed.With("title", "Zero\u200Bwidth"), "title", "a_title_with_a_zero_width_space");
        yield return Case(timed.With("title", "Nul\u0000byte"), "title", "a_title_with_a_NUL");
        yield return Case(timed.With("description", new string('d', 10_001)), "description", "a_description_over_10000_characters");
        yield return Case(timed.With("description", "bell\u0007"), "description", "a_description_with_control_characters");
        yield return Case(timed.Without("kind"), "kind", "a_missing_kind");
        yield return Case(timed.With("kind", "party"), "kind", "an_unknown_kind");
        yield return Case(timed.With("status", "maybe"), "status", "an_unknown_status");
        yield return Case(timed.Without("allDay"), "allDay", "a_missing_allDay");
        yield return Case(timed.Without("startsAt"), "startsAt", "a_missing_start");
        yield return Case(timed.With("startsAt", "2030-13-01T10:00"), "startsAt", "an_impossible_month");
        yield return Case(timed.With("startsAt", "6 May 2030 14:00"), "startsAt", "a_start_in_prose");
        yield return Case(timed.With("startsAt", "2030-05-06T14:00:00Z"), "startsAt", "a_start_with_an_offset");
        yield return Case(timed.With("startsAt", "9999-05-06T14:00"), "startsAt", "an_absurd_year");
        yield return Case(timed.With("endsAt", "2030-05-06T13:00"), "endsAt", "an_end_before_the_start");
        yield return Case(timed.With("endsAt", "2030-05-06T14:00"), "endsAt", "an_end_equal_to_the_start");
        yield return Case(timed.With("endsAt", "2032-05-06T14:00"), "endsAt", "a_timed_event_longer_than_a_year");
        yield return Case(timed.Without("timeZone"), "timeZone", "a_missing_time_zone");
        yield return Case(timed.With("timeZone", "CET+1"), "timeZone", "an_unknown_time_zone");
        yield return Case(timed.With("timeZone", "Europe/Atlantis"), "timeZone", "a_made_up_IANA_zone");
        yield return Case(timed.With("startsOn", "2030-05-06"), "startsOn", "a_date_on_a_timed_event");
        yield return Case(allDay.Without("startsOn"), "startsOn", "a_missing_first_day");
        yield return Case(allDay.With("startsOn", "2030-02-30"), "startsOn", "the_30th_of_February");
        yield return Case(allDay.With("endsOn", "2030-06-09"), "endsOn", "a_last_day_before_the_first");
        yield return Case(allDay.With("endsOn", "2045-06-09"), "endsOn", "an_all_day_span_over_ten_years");
        yield return Case(allDay.With("startsAt", "2030-06-10T10:00"), "startsAt", "a_time_on_an_all_day_event");
        yield return Case(allDay.With("timeZone", "Europe/Vienna"), "timeZone", "a_zone_on_an_all_day_event");
        yield return Case(allDay.With("recurrence", "FREQ=FORTNIGHTLY"), "recurrence", "an_unparseable_RRULE");
        yield return Case(allDay.With("recurrence", "FREQ=HOURLY"), "recurrence", "an_hourly_RRULE");
        yield return Case(allDay.With("recurrence", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30"), "recurrence", "a_start_that_is_not_an_occurrence");
        yield return Case(allDay.With("recurrence", "FREQ=DAILY;COUNT=5000"), "recurrence", "a_count_over_1000");
        yield return Case(allDay.With("location", Loc(country: "XX")), "location.country", "an_unknown_country");
        yield return Case(allDay.With("location", Loc(country: "Austria")), "location.country", "a_country_name_instead_of_a_code");
        yield return Case(allDay.With("location", Loc(city: new string('c', 101))), "location.city", "a_city_over_100_characters");
        yield return Case(timed.With("online", new Dictionary<string, object?> { ["joinUrl"] = "javascript:alert(1)" }), "online.joinUrl", "a_javascript_join_link");
        yield return Case(timed.With("online", new Dictionary<string, object?> { ["joinUrl"] = "meet.example.org/x" }), "online.joinUrl", "a_relative_join_link");
        yield return Case(timed.With("registrationUrl", "ftp://example.org/form"), "registrationUrl", "an_ftp_registration_link");
        yield return Case(timed.With("moreInfoUrl", "https://exa mple.org"), "moreInfoUrl", "a_link_with_a_space");
        yield return Case(timed.With("tags", new[] { "Labour Exploitation!" }), "tags[0]", "a_tag_that_is_not_a_slug");
        yield return Case(timed.With("tags", Enumerable.Range(0, 21).Select(i => $"t{i}").ToArray()), "tags", "more_than_20_tags");
        yield return Case(timed.With("organizers", new[] { "OSCE", "osce" }), "organizers", "a_repeated_organizer");
        yield return Case(timed.With("organizers", new[] { new string('o', 201) }), "organizers[0]", "an_organizer_over_200_characters");
        yield return Case(timed.With("language", "english please"), "language", "a_language_that_is_not_BCP47");
        yield return Case(timed.With("contactEmail", "not-an-address"), "contactEmail", "a_malformed_contact_email");
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Invalid_field(Dictionary<string, object?> body, string field)
    {
        var before = await App.SnapshotAsync();
        var response = await _moderator.PostJsonAsync("/api/events", body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out var messages), Is.True, $"errors should name '{field}': {text}");
        Assert.That(messages[0].GetString(), Is.Not.Empty);
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before), "a rejected request must change nothing");
    }

    [Test]
    public async Task A_lone_surrogate_escaped_in_JSON_is_rejected_rather_than_stored()
    {
        var before = await App.SnapshotAsync();
        var json = JsonSerializer.Serialize(EventBuilder.Timed("PLACEHOLDER")).Replace("PLACEHOLDER", "Broken \\ud800 surrogate");
        var response = await _moderator.PostAsync("/api/events", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty("title", out _), Is.True);
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Several_bad_fields_are_all_reported_at_once()
    {
        var body = EventBuilder.Timed().With("title", "").With("kind", "party").With("timeZone", "Nowhere/City");
        var response = await _moderator.PostJsonAsync("/api/events", body);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "title", "kind", "timeZone" }));
    }

    [Test]
    public async Task Malformed_JSON_is_a_400_that_says_so()
    {
        var before = await App.SnapshotAsync();
        var response = await _moderator.PostAsync("/api/events", new StringContent("{\"title\": \"x\",", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_value_of_the_wrong_type_names_its_field()
    {
        var response = await _moderator.PostAsync("/api/events",
            new StringContent("{\"title\": \"x\", \"allDay\": \"yes\"}", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.TryGetProperty("allDay", out _), Is.True, errors.ToString());
    }

    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("42")]
    [TestCase("")]
    public async Task A_body_that_is_not_an_object_is_a_400(string body)
    {
        var response = await _moderator.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_form_post_to_the_JSON_API_is_415()
    {
        var response = await _moderator.PostAsync("/api/events",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["title"] = "x" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_10_MB_body_is_refused_with_413_and_nothing_is_stored()
    {
        var before = await App.SnapshotAsync();
        var huge = EventBuilder.Timed().With("description", new string('a', 10 * 1024 * 1024));
        var response = await _moderator.PostJsonAsync("/api/events", huge);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_10_MB_body_without_Content_Length_is_refused_too()
    {
        var before = await App.SnapshotAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(
            "{\"title\":\"" + new string('a', 10 * 1024 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await _moderator.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Text_with_SQL_and_HTML_metacharacters_is_stored_and_returned_verbatim()
    {
        const string title = "O'Brien's \"event\"; DROP TABLE events;-- <b>bold</b> & \\ العربية";
        var response = await _moderator.PostJsonAsync("/api/events", EventBuilder.Timed(title));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var id = (await response.JsonAsync()).GetProperty("id").GetString();
        var read = await (await App.Anonymous().GetAsync($"/api/events/{id}")).JsonAsync();
        Assert.That(read.GetProperty("title").GetString(), Is.EqualTo(title));
        Assert.That(await App.CountEventsAsync(), Is.GreaterThanOrEqualTo(2), "the table is still there");
    }

    [Test]
    public async Task Input_is_normalised_before_it_is_judged()
    {
        var body = EventBuilder.AllDay("  Padded title  ").With("tags", new[] { "Migration", " policy " })
            .With("location", Loc(country: "at")).With("endsOn", null);
        var response = await _moderator.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("Padded title"));
            Assert.That(json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "migration", "policy" }));
            Assert.That(json.GetProperty("location").GetProperty("country").GetString(), Is.EqualTo("AT"));
            Assert.That(json.GetProperty("endsOn").GetString(), Is.EqualTo("2030-06-10"), "a one-day event ends the day it starts");
        });
    }
}
