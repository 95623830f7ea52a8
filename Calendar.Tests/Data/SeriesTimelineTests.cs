using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Dapper;
using Npgsql;

namespace Calendar.Tests.Data;

/// <summary>The JSON list finds series occurrences in a per-version precomputed timeline; the pages expand series
/// from the rows of the same statement. Both must list exactly the same occurrences.</summary>
public sealed class SeriesTimelineTests : AppFixture
{
    protected override async Task SeedAsync()
    {
        await using var connection = await App.OpenDatabaseAsync();
        // 600 one-offs every ~6 days from four years ago, 60 series (yearly, weekly, monthly; all-day and timed).
        await connection.ExecuteAsync("""
            insert into events (id, title, kind, all_day, starts_local, ends_local, time_zone, starts_at, ends_at, tags)
            select gen_random_uuid(), 'One-off ' || i, (array['webinar','meeting'])[1 + i % 2], false, d + time '10:00', d + time '12:00',
                   'Europe/Brussels', (d + time '10:00') at time zone 'Europe/Brussels', (d + time '12:00') at time zone 'Europe/Brussels',
                   array[(array['a','b','c'])[1 + i % 3]]
              from (select i, current_date - 4 * 365 + i * 6 as d from generate_series(1, 600) i) s;
            insert into events (id, title, kind, all_day, starts_on, ends_on, starts_at, ends_at, recurrence, tags)
            select gen_random_uuid(), 'Yearly ' || i, 'world-day', true, d, d + (i % 3), d::timestamp at time zone 'UTC',
                   (d + (i % 3) + 1)::timestamp at time zone 'UTC', 'FREQ=YEARLY', array[(array['a','b','c'])[1 + i % 3]]
              from (select i, current_date - 6 * 365 + i * 17 as d from generate_series(1, 20) i) s
             where extract(month from d) <> 2 or extract(day from d) <> 29;
            insert into events (id, title, kind, all_day, starts_local, ends_local, time_zone, starts_at, ends_at, recurrence, series_ends_at, tags)
            select gen_random_uuid(), 'Weekly ' || i, 'webinar', false, d + time '18:00', d + time '19:30', 'Europe/Brussels',
                   (d + time '18:00') at time zone 'Europe/Brussels', (d + time '19:30') at time zone 'Europe/Brussels',
                   case when i % 2 = 0 then 'FREQ=WEEKLY;COUNT=30' else 'FREQ=MONTHLY;INTERVAL=2' end,
                   case when i % 2 = 0 then (d + 29 * 7 + time '19:30') at time zone 'Europe/Brussels' end,
                   array[(array['a','b','c'])[1 + i % 3]]
              from (select i, current_date - 3 * 365 + i * 41 as d from generate_series(1, 40) i) s
             where extract(day from d) <= 28;
            analyze events;
            """);
    }

    [Test]
    public async Task The_list_finds_the_same_series_occurrences_in_its_timeline_as_by_expanding_each_series()
    {
        var store = new EventStore(NpgsqlDataSource.Create(App.ConnectionString));
        var random = new Random(7);
        var now = DateTime.UtcNow;
        var pages = 0;
        for (var round = 0; round < 60; round++)
        {
            var filter = new EventFilter
            {
                From = round % 4 == 0 ? null : now.AddDays(random.Next(-3 * 365, 5 * 365)),
                Kinds = random.Next(3) == 0 ? ["webinar"] : [],
                Tags = random.Next(3) == 0 ? [(new[] { "a", "b", "c" })[random.Next(3)]] : [],
                Limit = random.Next(1, 40),
            };
            for (var page = 0; page < 4; page++)
            {
                var expanded = await store.ListAsync(filter, now, CancellationToken.None);
                var fromTimeline = await store.ListAsync(filter, now, CancellationToken.None, version: 1);
                Assert.That(fromTimeline.Select(o => (o.Event.Id, o.StartsAt, o.EndsAt)),
                    Is.EqualTo(expanded.Select(o => (o.Event.Id, o.StartsAt, o.EndsAt))), $"round {round}, page {page}: {filter.ToQueryString()}");
                pages++;
                if (expanded.Count <= filter.Limit) break;
                var last = expanded[filter.Limit - 1];
                filter = filter with { After = new ListPosition(last.StartsAt, last.Event.Id) };
            }
        }
        Assert.That(pages, Is.GreaterThan(100));
    }
}
