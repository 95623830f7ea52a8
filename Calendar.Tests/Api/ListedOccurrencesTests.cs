using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>SPEC "Listed occurrences": what an integrator reading the top-level fields of a listed item gets.</summary>
public sealed class ListedOccurrencesTests : AppFixture
{
    private HttpClient _moderator = null!;

    protected override Task SeedAsync()
    {
        _moderator = App.Moderator();
        return Task.CompletedTask;
    }

    private async Task<string> Create(Dictionary<string, object?> body)
    {
        var response = await _moderator.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement[]> Items(string query)
    {
        var response = await App.Anonymous().GetAsync($"/api/events?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToArray();
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [Test]
    public async Task A_world_day_listed_in_a_later_year_shows_that_years_date_at_the_top_and_its_first_date_in_series()
    {
        var id = await Create(EventBuilder.WorldDay("Listed world day", 5, 1, firstYear: 2017).With("tags", new[] { "listed-wd" }));

        var items = await Items("from=2028-01-01&to=2029-12-31&tag=listed-wd");

        Assert.That(items.Select(i => (Text(i, "id"), Text(i, "startsOn"), Text(i, "endsOn"))), Is.EqualTo(new[]
        {
            (id, "2028-05-01", "2028-05-01"), (id, "2029-05-01", "2029-05-01"),
        }), "one item per occurrence, told apart by (id, startsOn)");
        var item = items[0];
        Assert.That(Text(item, "recurrence"), Is.EqualTo("FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"));
        Assert.That(Text(item.GetProperty("series"), "startsOn"), Is.EqualTo("2017-05-01"));
        Assert.That(Text(item.GetProperty("series"), "endsOn"), Is.EqualTo("2017-05-01"));
        Assert.That(Text(item, "startsAtUtc"), Is.Null, "an all-day occurrence has dates, not instants");
        Assert.That(Text(item.GetProperty("occurrence"), "startsOn"), Is.EqualTo("2028-05-01"), "the older nested copy agrees");

        var single = await (await App.Anonymous().GetAsync($"/api/events/{id}")).JsonAsync();
        Assert.That(Text(single, "startsOn"), Is.EqualTo("2017-05-01"), "GET /api/events/{id} returns the event as stored");
        Assert.That(single.TryGetProperty("series", out _), Is.False);
    }

    [Test]
    public async Task A_weekly_series_across_the_daylight_saving_change_lists_each_weeks_own_local_time_and_instant()
    {
        // Mondays 18:00-19:30 in Brussels; summer time ends on Sunday 2031-10-26.
        await Create(EventBuilder.Timed("Listed weekly webinar", "2031-10-13T18:00", "2031-10-13T19:30")
            .With("recurrence", "FREQ=WEEKLY;COUNT=4").With("tags", new[] { "listed-dst" }));

        var items = await Items("from=2031-10-01&to=2031-11-30&tag=listed-dst");

        Assert.That(items.Select(i => Text(i, "startsAt")), Is.EqualTo(new[]
        {
            "2031-10-13T18:00:00", "2031-10-20T18:00:00", "2031-10-27T18:00:00", "2031-11-03T18:00:00",
        }));
        Assert.That(items.Select(i => Text(i, "endsAt")), Is.EqualTo(new[]
        {
            "2031-10-13T19:30:00", "2031-10-20T19:30:00", "2031-10-27T19:30:00", "2031-11-03T19:30:00",
        }));
        Assert.That(items.Select(i => Text(i, "startsAtUtc")), Is.EqualTo(new[]
        {
            "2031-10-13T16:00:00Z", "2031-10-20T16:00:00Z", "2031-10-27T17:00:00Z", "2031-11-03T17:00:00Z",
        }));
        Assert.That(items.Select(i => Text(i, "endsAtUtc")), Is.EqualTo(new[]
        {
            "2031-10-13T17:30:00Z", "2031-10-20T17:30:00Z", "2031-10-27T18:30:00Z", "2031-11-03T18:30:00Z",
        }));
        Assert.That(items.Select(i => Text(i, "timeZone")).Distinct(), Is.EqualTo(new[] { "Europe/Brussels" }));
        Assert.That(items.Select(i => Text(i.GetProperty("series"), "startsAt")).Distinct(), Is.EqualTo(new[] { "2031-10-13T18:00:00" }));
        Assert.That(items.Select(i => Text(i.GetProperty("series"), "startsAtUtc")).Distinct(), Is.EqualTo(new[] { "2031-10-13T16:00:00Z" }));
    }

    [Test]
    public async Task An_all_day_multi_day_series_lists_each_occurrences_first_and_last_day()
    {
        // Three days every year from 30 December: each occurrence crosses the new year.
        await Create(EventBuilder.AllDay("Listed winter school", "2029-12-30", "2030-01-01")
            .With("recurrence", "FREQ=YEARLY").With("tags", new[] { "listed-multi" }));

        var items = await Items("from=2032-01-01&to=2033-01-15&tag=listed-multi");

        Assert.That(items.Select(i => (Text(i, "startsOn"), Text(i, "endsOn"))), Is.EqualTo(new[]
        {
            ("2031-12-30", "2032-01-01"), ("2032-12-30", "2033-01-01"),
        }), "the occurrence still running on 1 January 2032 is listed with its own dates");
        Assert.That(items.Select(i => (Text(i.GetProperty("series"), "startsOn"), Text(i.GetProperty("series"), "endsOn"))).Distinct(),
            Is.EqualTo(new[] { ("2029-12-30", "2030-01-01") }));
    }

    [Test]
    public async Task A_one_off_event_is_listed_with_its_own_times_and_without_series()
    {
        var id = await Create(EventBuilder.Timed("Listed one-off", "2031-06-02T10:00", "2031-06-02T11:00").With("tags", new[] { "listed-one" }));

        var items = await Items("from=2031-06-01&to=2031-06-30&tag=listed-one");

        Assert.That(items, Has.Length.EqualTo(1));
        Assert.That(Text(items[0], "id"), Is.EqualTo(id));
        Assert.That(Text(items[0], "startsAt"), Is.EqualTo("2031-06-02T10:00:00"));
        Assert.That(Text(items[0], "startsAtUtc"), Is.EqualTo("2031-06-02T08:00:00Z"));
        Assert.That(items[0].TryGetProperty("series", out _), Is.False);
        Assert.That(Text(items[0], "recurrence"), Is.Null);
    }
}
