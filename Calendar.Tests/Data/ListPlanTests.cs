using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Dapper;
using Npgsql;

namespace Calendar.Tests.Data;

/// <summary>
/// The service prepares its statements (Npgsql automatic preparation), so PostgreSQL may run each filter shape with
/// one generic plan for every value. This checks that plan for every shape of the list and the feed on the
/// benchmark's 100,000 events (bench/seed-100k.sql): forced generic (plan_cache_mode=force_generic_plan),
/// executed (EXPLAIN ANALYZE), no shape may sort rows it then throws away by the thousand.
/// </summary>
public sealed class ListPlanTests : AppFixture
{
    // Sorting what is thrown away is the failure this guards against. Reading rows that do not match is bounded
    // more loosely: with two GIN-indexed conditions (organizer and q, say) a generic plan drives from one of them and
    // filters by the other, so a rare word with a common organizer reads that organizer's events (a quarter of the
    // table here); half the table means a scan.
    private const int MaxDiscardedSortRows = 1000, MaxRowsRemovedByFilter = 50_000;
    private static readonly DateTime From = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected override async Task SeedAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Support.Browser.FindRepositoryRoot(), "bench", "seed-100k.sql"));
        await using var connection = await App.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(script, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
        // A few events whose tag, organizer and words are rare, so both ways of finding matches are exercised.
        await connection.ExecuteAsync("""
            insert into events (id, title, description, kind, all_day, starts_on, ends_on, starts_at, ends_at, tags, organizers, country)
            select gen_random_uuid(), 'Zanzibar meeting ' || i, '', 'meeting', true, d, d, d::timestamp at time zone 'UTC',
                   (d + 1)::timestamp at time zone 'UTC', '{rare-tag}', '{Rare Organisation}', 'BE'
              from (select i, date '2018-01-01' + i * 37 as d from generate_series(1, 40) i) s;
            analyze events;
            """);
    }

    /// <summary>Every filter shape with up to three conditions, each in its single- and multi-valued form.</summary>
    private static IEnumerable<(string Name, EventFilter Filter)> Shapes()
    {
        var dimensions = new (string Name, Func<EventFilter, EventFilter> Apply)[]
        {
            ("kind", f => f with { Kinds = ["webinar"] }),
            ("kinds", f => f with { Kinds = ["webinar", "meeting"] }),
            ("tag", f => f with { Tags = ["migration"] }),
            ("tags", f => f with { Tags = ["migration", "data"] }),
            ("organizer", f => f with { Organizer = "OSCE" }),
            ("country", f => f with { Country = "BE" }),
            ("online", f => f with { Online = true }),
            ("q", f => f with { Query = "children" }),
            ("rare tag", f => f with { Tags = ["rare-tag"] }),
            ("rare organizer", f => f with { Organizer = "Rare Organisation" }),
            ("rare q", f => f with { Query = "zanzibar" }),
            ("to", f => f with { To = new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc) }),
            ("cursor", f => f with { After = new ListPosition(new DateTime(2022, 6, 1, 0, 0, 0, DateTimeKind.Utc), Guid.Empty) }),
        };
        IEnumerable<int[]> Subsets(int start, int size) => size == 0
            ? [[]]
            : Enumerable.Range(start, dimensions.Length - start).SelectMany(i => Subsets(i + 1, size - 1).Select(rest => (int[])[i, .. rest]));
        foreach (var size in new[] { 0, 1, 2, 3 })
        foreach (var subset in Subsets(0, size))
        {
            var names = subset.Select(i => dimensions[i].Name).ToList();
            if (names.Count(n => n is "kind" or "kinds") > 1 || names.Count(n => n.EndsWith("tag") || n == "tags") > 1
                || names.Count(n => n.EndsWith("organizer")) > 1 || names.Count(n => n.EndsWith('q')) > 1) continue;
            var filter = subset.Aggregate(new EventFilter(), (f, i) => dimensions[i].Apply(f));
            yield return (names.Count == 0 ? "no filter" : string.Join(" + ", names), filter);
        }
    }

    [Test]
    public async Task Every_list_shape_keeps_an_ordered_plan_when_PostgreSQL_plans_it_once_for_all_values()
    {
        var failures = new List<string>();
        var shapes = 0;
        await using var connection = await App.OpenDatabaseAsync();
        await connection.ExecuteAsync("set plan_cache_mode = force_generic_plan");
        foreach (var (name, filter) in Shapes())
        {
            shapes++;
            var (sql, parameters) = EventStore.ListCommand(filter with { Limit = 50 }, From, includeSeries: false);
            var plan = await GenericPlanAsync(connection, sql, parameters);
            failures.AddRange(DiscardingSorts(plan, 0).Select(s => $"list, {name}: {s}"));
            if (RemovedByFilter(plan) is var removed and > MaxRowsRemovedByFilter)
                failures.Add($"list, {name}: reads {removed:0} rows it does not return");
        }
        Assert.That(shapes, Is.GreaterThan(100));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_feed_shape_sorts_only_the_events_it_returns()
    {
        var failures = new List<string>();
        await using var connection = await App.OpenDatabaseAsync();
        await connection.ExecuteAsync("set plan_cache_mode = force_generic_plan");
        foreach (var (name, filter) in Shapes().Where(s => !s.Name.Contains("cursor")))
        {
            var (sql, parameters) = EventStore.FeedCommand(filter with { From = new DateTime(2029, 1, 1, 0, 0, 0, DateTimeKind.Utc) }, From);
            var plan = await GenericPlanAsync(connection, sql, parameters);
            var returned = plan.GetProperty("Actual Rows").GetDouble();
            failures.AddRange(DiscardingSorts(plan, returned).Select(s => $"feed, {name}: {s}"));
        }
        Assert.That(failures, Is.Empty);
    }

    private static int _statement;

    /// <summary>PREPAREs the statement with typed parameters and runs EXPLAIN (ANALYZE) EXECUTE on it.</summary>
    private static async Task<JsonElement> GenericPlanAsync(NpgsqlConnection connection, string sql, DynamicParameters parameters)
    {
        var names = parameters.ParameterNames.ToList();
        var numbered = Regex.Replace(sql, @"(?<!@)@(\w+)", m =>
            names.IndexOf(m.Groups[1].Value) is var i and >= 0 ? $"${i + 1}" : m.Value);
        var values = names.Select(n => parameters.Get<object>(n)).ToList();
        var statement = $"plan_check_{Interlocked.Increment(ref _statement)}";
        await connection.ExecuteAsync($"prepare {statement}({string.Join(", ", values.Select(TypeOf))}) as {numbered}");
        var json = await connection.ExecuteScalarAsync<string>(
            $"explain (analyze, format json) execute {statement}({string.Join(", ", values.Select(Literal))})");
        await connection.ExecuteAsync($"deallocate {statement}");
        var plan = JsonDocument.Parse(json!).RootElement[0].GetProperty("Plan").Clone();
        if (values.Count > 0)
            Assert.That(plan.ToString(), Does.Contain("$1"), "the plan is generic (parameters, not values)");
        return plan;
    }

    /// <summary>Sorts whose input exceeds what is kept by more than the allowed number of rows.</summary>
    private static IEnumerable<string> DiscardingSorts(JsonElement node, double kept)
    {
        if (node.GetProperty("Node Type").GetString() == "Sort")
        {
            var child = node.GetProperty("Plans")[0];
            var input = child.GetProperty("Actual Rows").GetDouble() * child.GetProperty("Actual Loops").GetDouble();
            if (input > Math.Max(MaxDiscardedSortRows, kept * 2))
                yield return $"sorts {input:0} rows ({child.GetProperty("Node Type").GetString()} {(child.TryGetProperty("Index Name", out var index) ? index.GetString() : "")})";
        }
        if (node.TryGetProperty("Plans", out var plans))
            foreach (var child in plans.EnumerateArray())
            foreach (var found in DiscardingSorts(child, kept))
                yield return found;
    }

    private static double RemovedByFilter(JsonElement node)
    {
        var removed = 0.0;
        foreach (var name in new[] { "Rows Removed by Filter", "Rows Removed by Index Recheck" })
            if (node.TryGetProperty(name, out var value))
                removed += value.GetDouble() * node.GetProperty("Actual Loops").GetDouble();
        if (node.TryGetProperty("Plans", out var plans))
            foreach (var child in plans.EnumerateArray()) removed += RemovedByFilter(child);
        return removed;
    }

    private static string TypeOf(object value) => value switch
    {
        DateTime => "timestamptz", int => "integer", bool => "boolean", Guid => "uuid", string[] => "text[]", string => "text",
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    private static string Literal(object value) => value switch
    {
        DateTime d => $"'{d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}'",
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Guid g => $"'{g}'",
        string[] a => $"array[{string.Join(", ", a.Select(Quote))}]::text[]",
        string s => Quote(s),
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}
