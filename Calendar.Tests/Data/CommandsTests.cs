using System.Diagnostics;
using Calendar.Tests.Support;
using Dapper;
using Npgsql;

namespace Calendar.Tests.Data;

/// <summary>The service's own commands and start-up, as a deployment runs them.</summary>
public sealed class CommandsTests
{
    [Test]
    public async Task The_migrate_command_migrates_an_empty_database_and_exits()
    {
        var name = $"calendar_cmd_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        await using (var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString))
            await admin.ExecuteAsync($"create database \"{name}\"");
        var connectionString = TestDatabase.ConnectionStringFor(name);
        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Calendar.Api.dll"), "migrate"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ConnectionStrings__Calendar"] = connectionString,
                    ["Logging__Console__FormatterName"] = "simple",
                },
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.That(process.WaitForExit(60_000), Is.True, "the command should exit by itself");
            Assert.That(process.ExitCode, Is.Zero, await output + await errors);

            await using var connection = new NpgsqlConnection(connectionString);
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from schemaversions"), Is.GreaterThanOrEqualTo(1));
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from events"), Is.Zero,
                "migrating loads no sample data");
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    [Test]
    public async Task Two_instances_starting_on_one_database_load_the_sample_events_once()
    {
        var settings = new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" };
        await using var first = await CalendarApp.StartAsync(settings);
        await using var second = first.AnotherInstance(settings);
        Assert.That(await first.CountEventsAsync(), Is.EqualTo(63));

        var list = await (await second.Anonymous().GetAsync("/api/events?from=2016-01-01&to=2016-12-31&limit=200")).JsonAsync();
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.GreaterThan(10));
    }

    [Test]
    public void The_service_refuses_to_start_without_a_database_and_names_the_setting()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Calendar.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Calendar"] = "", ["Logging__Console__FormatterName"] = "simple" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(60_000), Is.True);
        Assert.That(process.ExitCode, Is.Not.Zero);
        Assert.That(output.Result + errors.Result, Does.Contain("ConnectionStrings__Calendar"));
    }
}
