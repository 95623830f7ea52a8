using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

public sealed class OccurrencesAndTimeZonesTests : AppFixture
{
    private HttpClient _moderator = null!;

    protected override Task SeedAsync()
    {
        _moderator = App.Moderator();
        return Task.CompletedTask;
    }

    private async Task<JsonElement> Create(Dictionary<string, object?> body)
    {
        var response = await _moderator.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<JsonElement[]> Items(string query) =>
        (await (await App.Anonymous().GetAsync($"/api/events?{query}")).JsonAsync())
        .GetProperty("items").EnumerateArray().ToArray();

    [Test]
    public async Task A_yearly_world_day_appears_on_its_date_in_whatever_year_the_window_covers()
    {
        await Create(EventBuilder.WorldDay("World Day against Trafficking in Persons (test)", 7, 30, firstYear: 2014));
        foreach (var year in new[] { 2014, 2027, 2050, 2199 })
        {
            var items = await Items($"from={year}-07-01&to={year}-08-31&q=persons");
            Assert.That(items, Has.Length.EqualTo(1), $"year {year}");
            Assert.That(items[0].GetProperty("occurrence").GetProperty("startsOn").GetString(), Is.EqualTo($"{year}-07-30"));
            Assert.That(items[0].GetProperty("series").GetProperty("startsOn").GetString(), Is.EqualTo("2014-07-30"), "the series keeps its first date");
        }
        Assert.That(await Items("from=2013-01-01&to=2014-06-30&q=persons"), Is.Empty, "nothing before the series starts");
    }

    [Test]
    public async Task Occurrences_across_a_year_boundary_come_in_date_order()
    {
        await Create(EventBuilder.WorldDay("Boundary day December", 12, 18).With("tags", new[] { "boundary" }));
        await Create(EventBuilder.WorldDay("Boundary day January", 1, 11).With("tags", new[] { "boundary" }));
        await Create(EventBuilder.AllDay("Boundary meeting", "2030-12-30", "2031-01-02").With("tags", new[] { "boundary" }));

        var items = await Items("from=2030-12-01&to=2031-01-31&tag=boundary");
        var dates = items.Select(i => i.GetProperty("occurrence").GetProperty("startsOn").GetString()).ToArray();
        Assert.That(dates, Is.EqualTo(new[] { "2030-12-18", "2030-12-30", "2031-01-11" }));
        Assert.That(items[1].GetProperty("occurrence").GetProperty("endsOn").GetString(), Is.EqualTo("2031-01-02"));
    }

    [Test]
    public async Task A_weekly_webinar_keeps_its_local_hour_across_the_daylight_saving_change()
    {
        // Mondays 09:00 in Brussels; summer time starts on Sunday 2030-03-31.
        await Create(EventBuilder.Timed("Weekly DST webinar", "2030-03-18T09:00", "2030-03-18T10:00")
            .With("recurrence", "FREQ=WEEKLY;COUNT=4").With("tags", new[] { "dst" }));
        var items = await Items("from=2030-03-01&to=2030-04-30&tag=dst");
        Assert.That(items.Select(i => i.GetProperty("occurrence").GetProperty("startsAt").GetString()), Is.EqualTo(new[]
        {
            "2030-03-18T09:00:00", "2030-03-25T09:00:00", "2030-04-01T09:00:00", "2030-04-08T09:00:00",
        }));
        Assert.That(items.Select(i => i.GetProperty("occurrence").GetProperty("startsAtUtc").GetString()), Is.EqualTo(new[]
        {
            "2030-03-18T08:00:00Z", "2030-03-25T08:00:00Z", "2030-04-01T07:00:00Z", "2030-04-08T07:00:00Z",
        }));
        Assert.That(await Items("from=2030-04-09&to=2030-12-31&tag=dst"), Is.Empty, "COUNT=4 ends the series");
    }

    [Test]
    public async Task A_time_skipped_by_spring_forward_is_rejected_with_the_next_valid_time()
    {
        // 2030-03-31 02:30 does not exist in Europe/Brussels: clocks jump from 02:00 to 03:00.
        var before = await App.SnapshotAsync();
        var response = await _moderator.PostJsonAsync("/api/events",
            EventBuilder.Timed("Nonexistent time", "2030-03-31T02:30", "2030-03-31T04:00"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var message = (await response.JsonAsync()).GetProperty("errors").GetProperty("startsAt")[0].GetString();
        Assert.That(message, Does.Contain("does not exist in Europe/Brussels").And.Contain("03:30"));
        Assert.That(await App.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_time_that_occurs_twice_in_autumn_means_the_first_of_the_two()
    {
        // 2030-10-27 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
        var json = await Create(EventBuilder.Timed("Ambiguous time", "2030-10-27T02:30", "2030-10-27T04:00"));
        Assert.That(json.GetProperty("startsAtUtc").GetString(), Is.EqualTo("2030-10-27T00:30:00Z"));
        Assert.That(json.GetProperty("endsAtUtc").GetString(), Is.EqualTo("2030-10-27T03:00:00Z"));
    }

    [TestCase("America/New_York", "2030-07-01T09:00", "2030-07-01T13:00:00Z")]
    [TestCase("Asia/Kolkata", "2030-07-01T09:00", "2030-07-01T03:30:00Z")]
    [TestCase("Europe/London", "2030-01-15T09:00", "2030-01-15T09:00:00Z")]
    [TestCase("Europe/Chisinau", "2030-01-15T09:00", "2030-01-15T07:00:00Z")]
    public async Task Local_times_convert_to_instants_with_the_zone_rules(string zone, string local, string utc)
    {
        var json = await Create(EventBuilder.Timed($"Zone {zone}", local, local[..11] + "23:00", zone));
        Assert.That(json.GetProperty("startsAtUtc").GetString(), Is.EqualTo(utc));
    }

    [Test]
    public async Task A_series_that_starts_off_its_own_rule_is_refused()
    {
        var response = await _moderator.PostJsonAsync("/api/events",
            EventBuilder.AllDay("Off-rule day", "2030-07-29").With("recurrence", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.JsonAsync()).GetProperty("errors").GetProperty("recurrence")[0].GetString(),
            Does.Contain("occurrence"));
    }
}
