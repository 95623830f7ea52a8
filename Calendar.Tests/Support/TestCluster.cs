using System.Diagnostics;
using Npgsql;

namespace Calendar.Tests.Support;

/// <summary>
/// Stops and starts the suite's own PostgreSQL cluster, for the outage tests. scripts/test exports where it is
/// (CALENDAR_TEST_PG_DATA, _PORT, _BIN, and _OWNER, the system user it runs as when the tests run as root).
/// A server given from outside through CALENDAR_TEST_DB is not the tests' to stop: those tests are then skipped.
/// </summary>
public static class TestCluster
{
    private static string? Data => Environment.GetEnvironmentVariable("CALENDAR_TEST_PG_DATA");

    public static void RequireControl()
    {
        if (string.IsNullOrEmpty(Data))
            Assert.Ignore("The PostgreSQL server was not started by scripts/test (CALENDAR_TEST_PG_DATA is not set), so it cannot be stopped.");
    }

    public static Task StopAsync() => PgCtlAsync("stop", "-m", "fast", "-w", "-t", "60");

    public static async Task StartAsync()
    {
        var port = Environment.GetEnvironmentVariable("CALENDAR_TEST_PG_PORT")!;
        await PgCtlAsync("start", "-w", "-t", "60", "-l", Path.Combine(Data!, "server.log"), "-o", $"-p {port}");
        // Connections pooled before the restart are dead; later fixtures must not meet them.
        NpgsqlConnection.ClearAllPools();
    }

    public static async Task<bool> IsRunningAsync() => await PgCtlAsync(["status"], check: false) == 0;

    /// <summary>Leaves the cluster running, whatever a test did to it.</summary>
    public static async Task EnsureRunningAsync()
    {
        if (string.IsNullOrEmpty(Data)) return;
        if (!await IsRunningAsync()) await StartAsync();
    }

    private static Task PgCtlAsync(params string[] args) => PgCtlAsync(args, check: true);

    private static async Task<int> PgCtlAsync(string[] args, bool check)
    {
        var pgCtl = Path.Combine(Environment.GetEnvironmentVariable("CALENDAR_TEST_PG_BIN") ?? "", "pg_ctl");
        var owner = Environment.GetEnvironmentVariable("CALENDAR_TEST_PG_OWNER");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(owner) ? pgCtl : "runuser")
        {
            WorkingDirectory = "/", // the owner may not enter the test's directory
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(owner)) foreach (var a in (string[])["-u", owner, "--", pgCtl]) info.ArgumentList.Add(a);
        foreach (var a in (string[])["-D", Data!, .. args]) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', args)} failed ({process.ExitCode}): {await output} {await error}");
        return process.ExitCode;
    }
}
