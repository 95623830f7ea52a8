using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Calendar.Tests.Data;

public sealed class DatabaseTests
{
    [Test]
    public async Task Instances_that_migrate_at_the_same_time_both_succeed_and_apply_each_script_once()
    {
        var connectionString = await CreateEmptyDatabase();
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Task.Run(() => Migrator.Run(connectionString, NullLogger.Instance))));
            Assert.That(runs.Sum(r => r.Count), Is.EqualTo(runs.Max(r => r.Count)), "each script applied by exactly one instance");
            await using var connection = new NpgsqlConnection(connectionString);
            var journal = (await connection.QueryAsync<string>("select scriptname from schemaversions")).ToList();
            Assert.That(journal, Is.Unique);
            Assert.That(journal, Has.Member("migrations.0001_events.sql"));
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    [Test]
    public async Task The_sample_events_all_pass_validation_and_load_exactly_once()
    {
        var connectionString = await TestDatabase.CreateAsync();
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var first = await SampleData.LoadOnceAsync(dataSource, NullLogger.Instance, CancellationToken.None);
            var second = await SampleData.LoadOnceAsync(dataSource, NullLogger.Instance, CancellationToken.None);
            Assert.That(first, Is.EqualTo(SampleData.ReadBundled().Count));
            Assert.That(first, Is.EqualTo(63));
            Assert.That(second, Is.Zero);
            await using var connection = await dataSource.OpenConnectionAsync();
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from events"), Is.EqualTo(63));
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from events where status = 'tentative'"), Is.EqualTo(1));
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from events where recurrence is not null and kind = 'world-day'"),
                Is.EqualTo(6));
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    [Test]
    public async Task Sample_event_ids_are_the_same_on_every_installation()
    {
        var a = SampleData.NameBasedId("World Day|2016-07-30");
        Assert.That(SampleData.NameBasedId("World Day|2016-07-30"), Is.EqualTo(a));
        Assert.That(SampleData.NameBasedId("World Day|2017-07-30"), Is.Not.EqualTo(a));
        Assert.That(a.Version, Is.EqualTo(5));
        await Task.CompletedTask;
    }

    [TestCase("update events set title = '' where true", TestName = "The_database_refuses_an_empty_title")]
    [TestCase("update events set title = E'two\\nlines' where true", TestName = "The_database_refuses_a_title_with_a_line_break")]
    [TestCase("update events set kind = 'party' where true", TestName = "The_database_refuses_an_unknown_kind")]
    [TestCase("update events set country = 'at' where true", TestName = "The_database_refuses_a_lowercase_country")]
    [TestCase("update events set ends_at = starts_at where true", TestName = "The_database_refuses_an_end_equal_to_the_start")]
    [TestCase("update events set tags = array['Not A Slug'] where true", TestName = "The_database_refuses_a_tag_that_is_not_a_slug")]
    [TestCase("update events set join_url = 'javascript:alert(1)', online = true where true", TestName = "The_database_refuses_a_non_http_link")]
    [TestCase("update events set time_zone = 'Europe/Brussels' where all_day", TestName = "The_database_refuses_a_zone_on_an_all_day_event")]
    public async Task Constraints_mirror_the_validator(string sql)
    {
        var connectionString = await TestDatabase.CreateAsync();
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var store = new EventStore(dataSource);
            await store.InsertAsync(EventDraft.From(EventDraft.Normalize(new EventInput
            {
                Title = "Valid", Kind = "meeting", AllDay = true, StartsOn = "2030-01-01",
                Location = new LocationInput { Country = "AT" },
            })), "published", null, CancellationToken.None);
            await using var connection = await dataSource.OpenConnectionAsync();
            Assert.ThrowsAsync<PostgresException>(async () => await connection.ExecuteAsync(sql));
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    [Test]
    public async Task Text_search_is_served_by_the_GIN_index()
    {
        var connectionString = await TestDatabase.CreateAsync();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync("""
                insert into events (id, title, description, kind, all_day, starts_on, ends_on, starts_at, ends_at)
                select gen_random_uuid(), 'Event ' || i, 'words ' || md5(i::text), 'meeting', true,
                       date '2030-01-01' + (i % 300), date '2030-01-01' + (i % 300),
                       timestamptz '2030-01-01 00:00Z' + (i % 300) * interval '1 day',
                       timestamptz '2030-01-02 00:00Z' + (i % 300) * interval '1 day'
                from generate_series(1, 5000) i;
                analyze events;
                """);
            // The question is whether the index can serve the query's expression at all; on a table this small
            // the planner may still prefer a scan, so scans are made unattractive.
            await connection.ExecuteAsync("set enable_seqscan = off");
            var plan = string.Join("\n", await connection.QueryAsync<string>(
                "explain select id from events where search @@ to_tsquery('simple', 'abc123:*')"));
            Assert.That(plan, Does.Contain("events_search"), plan);
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    private static async Task<string> CreateEmptyDatabase()
    {
        var name = $"calendar_empty_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await connection.ExecuteAsync($"create database \"{name}\"");
        return TestDatabase.ConnectionStringFor(name);
    }
}
