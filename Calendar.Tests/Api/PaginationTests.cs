using System.Net;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

public sealed class PaginationTests : AppFixture
{

    private async Task<(List<(string Id, string Start)> Items, string? Next)> Page(string query)
    {
        var response = await App.Anonymous().GetAsync($"/api/events?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        var items = json.GetProperty("items").EnumerateArray().Select(e =>
        (
            e.GetProperty("id").GetString()!,
            e.GetProperty("occurrence").GetProperty("startsOn").GetString()!
        )).ToList();
        var next = json.GetProperty("nextCursor").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null : json.GetProperty("nextCursor").GetString();
        return (items, next);
    }

    [Test]
    public async Task Paging_while_events_are_added_never_repeats_or_skips_an_existing_item()
    {
        var moderator = App.Moderator();
        // 30 events on 10 days (three per day share a start, so ties are broken by id), plus a yearly series.
        for (var i = 0; i < 30; i++)
            await moderator.PostJsonAsync("/api/events",
                EventBuilder.AllDay($"Paged {i}", $"2033-03-{1 + i / 3:D2}").With("tags", new[] { "paged" }));
        await moderator.PostJsonAsync("/api/events", EventBuilder.WorldDay("Paged series", 3, 5, 2020).With("tags", new[] { "paged" }));
        var expected = (await Page("from=2033-01-01&to=2033-12-31&tag=paged&limit=200")).Items;
        Assert.That(expected, Has.Count.EqualTo(31));

        var seen = new List<(string Id, string Start)>();
        string? cursor = null;
        var added = 0;
        do
        {
            var (items, next) = await Page($"from=2033-01-01&to=2033-12-31&tag=paged&limit=4{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.That(items, Has.Count.LessThanOrEqualTo(4));
            seen.AddRange(items);
            cursor = next;
            // Meanwhile others add events before, inside and after the current position.
            await moderator.PostJsonAsync("/api/events",
                EventBuilder.AllDay($"Added {added++}", $"2033-03-{1 + added % 12:D2}").With("tags", new[] { "paged" }));
        } while (cursor is not null);

        Assert.That(seen.Select(s => s.Id), Is.Unique, "no item twice");
        Assert.That(seen.Select(s => s.Id).ToList(), Is.SupersetOf(expected.Select(e => e.Id)), "no existing item skipped");
        var order = seen.Select(s => s.Start).ToList();
        Assert.That(order, Is.Ordered, "pages continue in date order");
    }

    [Test]
    public async Task The_last_page_has_no_next_cursor()
    {
        await App.Moderator().PostJsonAsync("/api/events", EventBuilder.AllDay("Only one", "2034-01-10").With("tags", new[] { "lonely" }));
        var (items, next) = await Page("from=2034-01-01&to=2034-12-31&tag=lonely&limit=1");
        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That(next, Is.Null);
    }
}
