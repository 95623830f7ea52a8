using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Calendar.Core.Data;
using Calendar.Core.Events;

/// <summary>
/// The varied-query workload of bench/api-list.sh, for the service and for pgbench alike: per filter shape, a file of
/// distinct request paths (random dates to the second, kinds, tags, words, keyset cursors) and a pgbench script with
/// the service's own SQL for that shape (EventStore.ListCommand) whose parameters pgbench draws at random.
/// </summary>
internal static partial class ListWorkload
{
    private static readonly string[] Kinds = ["webinar", "conference", "meeting", "workshop", "training", "launch", "deadline", "other"];
    private static readonly string[] Tags = ["labour-exploitation", "migration", "child-trafficking", "policy", "data"];
    private static readonly string[] Words = ["children", "labour", "migration", "policy"];
    private static readonly DateTime Origin = new(2016, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const int Days = 4000; // the seed spreads one-off events over 2016-2029

    private static readonly (string Name, EventFilter Filter)[] Shapes =
    [
        ("from", new EventFilter { From = Origin }),
        ("kind-tag", new EventFilter { From = Origin, Kinds = ["webinar"], Tags = ["migration"] }),
        ("q", new EventFilter { From = Origin, Query = "children" }),
        ("cursor", new EventFilter { After = new ListPosition(Origin, Guid.Empty) }),
    ];

    public static void Write(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(9);
        foreach (var (name, template) in Shapes)
        {
            var paths = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                var at = Origin.AddDays(random.Next(Days)).AddSeconds(random.Next(86_400));
                var filter = template with
                {
                    From = template.From is null ? null : at,
                    Kinds = template.Kinds.Count == 0 ? [] : [Kinds[random.Next(Kinds.Length)]],
                    Tags = template.Tags.Count == 0 ? [] : [Tags[random.Next(Tags.Length)]],
                    Query = template.Query is null ? null : Words[random.Next(Words.Length)],
                    After = template.After is null ? null : new ListPosition(at, Guid.Empty),
                };
                var extra = filter.After is { } after ? new[] { new KeyValuePair<string, string>("cursor", EventFilter.EncodeCursor(after)) } : [];
                // A fixed "now" for the cursor shape, so that the service and pgbench read the same rows.
                var query = filter.ToQueryString(extra);
                if (filter.From is null) query += (query.Length == 0 ? "?" : "&") + "from=2016-01-01";
                paths.Append("/api/events").Append(query).Append(query.Length == 0 ? "?" : "&").Append("limit=50\n");
            }
            File.WriteAllText(Path.Combine(directory, $"{name}.paths"), paths.ToString());

            var (sql, parameters) = EventStore.ListCommand(template with { Limit = 50, From = template.From ?? Origin }, Origin, includeSeries: false);
            var script = Parameter().Replace(sql, m => m.Groups[1].Value switch
            {
                "from" => template.After is null
                    ? "(timestamptz '2016-01-01 00:00Z' + :day * interval '1 day' + :sec * interval '1 second')"
                    : "timestamptz '2016-01-01 00:00Z'",
                "afterStart" => "(timestamptz '2016-01-01 00:00Z' + :day * interval '1 day' + :sec * interval '1 second')",
                "afterId" => "'00000000-0000-0000-0000-000000000000'::uuid",
                "take" => "51",
                "kind" => $"(array[{Quoted(Kinds)}])[:k]",
                "tags" => $"array[(array[{Quoted(Tags)}])[:t]]",
                "tsquery" => $"(array[{Quoted(Words.Select(w => $"'{w}':*"))}])[:w]",
                var other => throw new InvalidOperationException($"no pgbench value for @{other}"),
            });
            var header = $"""
                \set day random(0, {Days - 1})
                \set sec random(0, 86399)
                \set k random(1, {Kinds.Length})
                \set t random(1, {Tags.Length})
                \set w random(1, {Words.Length})

                """;
            // pgbench sends one line per statement: keep the statement on one line.
            File.WriteAllText(Path.Combine(directory, $"{name}.pgbench"), header + Regex.Replace(sql.Length > 0 ? script : "", @"\s+", " ").Trim() + ";\n");
            _ = parameters;
        }
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => "'" + v.Replace("'", "''") + "'"));

    [GeneratedRegex(@"(?<!@)@(\w+)")]
    private static partial Regex Parameter();
}
