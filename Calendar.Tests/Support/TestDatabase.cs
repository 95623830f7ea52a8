using Calendar.Core.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Calendar.Tests.Support;

/// <summary>
/// The PostgreSQL server comes from CALENDAR_TEST_DB (scripts/test starts a throwaway cluster and sets it).
/// Once per run a template database is migrated; each fixture then gets its own copy, which takes milliseconds.
/// Without the variable the run fails loudly: a suite that skips its database tests would look green.
/// </summary>
public sealed class TestDatabase
{
    private static readonly string TemplateName = $"calendar_template_{Environment.ProcessId}";
    private static int _counter;

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("CALENDAR_TEST_DB")
        ?? throw new InvalidOperationException(
            "CALENDAR_TEST_DB is not set. Run the tests with scripts/test, which starts a PostgreSQL cluster for them.");

    public static async Task CreateTemplateAsync()
    {
        await ExecuteAsync($"drop database if exists \"{TemplateName}\" with (force)");
        await ExecuteAsync($"create database \"{TemplateName}\"");
        Migrator.Run(ConnectionStringFor(TemplateName), NullLogger.Instance);
        NpgsqlConnection.ClearAllPools();
    }

    public static async Task DropTemplateAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"drop database if exists \"{TemplateName}\" with (force)");
    }

    /// <summary>A fresh, migrated, empty database; returns its connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        var name = $"calendar_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync($"drop database if exists \"{name}\" with (force)");
        await ExecuteAsync($"create database \"{name}\" template \"{TemplateName}\"");
        return ConnectionStringFor(name);
    }

    /// <summary>A new database with nothing in it, not even the schema; returns its connection string.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var name = $"calendar_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync($"drop database if exists \"{name}\" with (force)");
        await ExecuteAsync($"create database \"{name}\"");
        return ConnectionStringFor(name);
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"drop database if exists \"{name}\" with (force)");
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
