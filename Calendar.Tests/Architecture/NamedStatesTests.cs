using System.Reflection;
using System.Text.RegularExpressions;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Tests.Support;
using Dapper;
using Npgsql;

namespace Calendar.Tests.Architecture;

/// <summary>States are written once (Events/States.cs, Data/States.cs) and the database allows exactly those values.</summary>
public sealed partial class NamedStatesTests
{
    private static readonly string[] Definitions =
        [Path.Combine("Calendar.Core", "Events", "States.cs"), Path.Combine("Calendar.Core", "Data", "States.cs")];

    // "active" is left out: it is too common a word (a CSS class, say) to be told apart from the source state.
    [GeneratedRegex("""["'](pending|published|rejected|confirmed|tentative|cancelled|moderator|coordinator|paused|retired)["']""")]
    private static partial Regex StateLiteral();

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex RazorComment();

    [Test]
    public void No_moderation_state_status_role_or_source_state_is_spelled_as_a_literal_outside_its_definition()
    {
        var root = Support.Browser.FindRepositoryRoot();
        var found = new List<string>();
        foreach (var project in new[] { "Calendar.Api", "Calendar.Core" })
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, project), "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(root, file);
            if (Definitions.Contains(relative) || relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            var lines = RazorComment().Replace(File.ReadAllText(file), m => new string('\n', m.Value.Count(c => c == '\n'))).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                foreach (Match m in StateLiteral().Matches(lines[i]))
                    found.Add($"{relative}:{i + 1}: {m.Value}");
            }
        }
        Assert.That(found, Is.Empty,
            "Use the named constants (ModerationState, EventStatus, AccountRole, SourceState; SQL interpolates them) instead of these literals");
    }

    private static IEnumerable<TestCaseData> Columns()
    {
        yield return new TestCaseData("events", "moderation", typeof(ModerationState)).SetArgDisplayNames("events.moderation");
        yield return new TestCaseData("events", "status", typeof(EventStatus)).SetArgDisplayNames("events.status");
        yield return new TestCaseData("accounts", "role", typeof(AccountRole)).SetArgDisplayNames("accounts.role");
        yield return new TestCaseData("moderation_log", "action", typeof(ModerationAction)).SetArgDisplayNames("moderation_log.action");
        yield return new TestCaseData("sources", "state", typeof(SourceState)).SetArgDisplayNames("sources.state");
        yield return new TestCaseData("source_runs", "outcome", typeof(RunOutcome)).SetArgDisplayNames("source_runs.outcome");
    }

    [TestCaseSource(nameof(Columns))]
    public async Task The_database_allows_exactly_the_named_values_of_each_state_column(string table, string column, Type names)
    {
        var connectionString = await TestDatabase.CreateAsync();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            var check = await connection.QuerySingleAsync<string>("""
                select pg_get_constraintdef(c.oid) from pg_constraint c join pg_class t on t.oid = c.conrelid
                 where t.relname = @table and c.contype = 'c'
                   and c.conkey = array[(select attnum from pg_attribute where attrelid = t.oid and attname = @column)]
                """, new { table, column });
            var allowed = Regex.Matches(check, @"'([^']*)'::text").Select(m => m.Groups[1].Value).Order().ToList();
            var named = names.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();
            Assert.That(named, Is.EqualTo(allowed), check);
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }
}
