using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Calendar.Tests.Support;

/// <summary>
/// The service as its own process (dotnet Calendar.Api.dll from the same build as the tests) on a loopback port,
/// so a test can kill it with SIGKILL or stop it with SIGTERM as an operator or the kernel would.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<ServiceProcess> StartAsync(string connectionString, TimeSpan? readyWithin = null)
    {
        var root = Browser.FindRepositoryRoot();
        // The tests' own output directory names the configuration (bin/Release/net10.0): use the service built alike.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var dll = Path.Combine(root, "Calendar.Api", "bin", testOutput.Parent!.Name, testOutput.Name, "Calendar.Api.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution first (scripts/test does).", dll);

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(root, "Calendar.Api"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ConnectionStrings__Calendar"] = connectionString;
        info.Environment["Calendar__BootstrapAdminToken"] = CalendarApp.ModeratorToken;
        info.Environment["Calendar__LoadSampleData"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var service = new ServiceProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}"));
        service._process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
        return service;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The service exited ({_process.ExitCode}):\n{Output}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { } // not listening yet, or slow on a busy machine
            await Task.Delay(100);
        }
        throw new TimeoutException($"The service was not ready within {within}:\n{Output}");
    }

    /// <summary>SIGKILL: no chance to finish anything.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd, Kubernetes or docker stop send.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
