using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Calendar.Tests.Support;

namespace Calendar.Tests.Cluster;

/// <summary>
/// The deployment shape as scripts/cluster runs it: the published service, two instances on one database, Debian's
/// nginx in front (deploy/nginx.conf). Real processes on loopback; the database is a copy of the test template.
/// </summary>
[NonParallelizable]
public sealed partial class ClusterShapeTests
{
    private const string AdminToken = "cluster-test-moderator-token-0123456789";
    private const string Password = "correct horse battery staple";
    private static readonly string Repo = FindRepo();

    private Process _cluster = null!;
    private string _dir = null!;
    private string _connectionString = null!;
    private readonly List<string> _output = [];
    private Uri _proxy = null!;
    private Uri _first = null!;
    private Uri _second = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _connectionString = await TestDatabase.CreateAsync();
        _dir = Directory.CreateTempSubdirectory("calendar-cluster-test.").FullName;
        var start = new ProcessStartInfo("bash", [Path.Combine(Repo, "scripts", "cluster"), "2"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo,
        };
        start.Environment["ConnectionStrings__Calendar"] = _connectionString;
        start.Environment["Calendar__BootstrapAdminToken"] = AdminToken;
        start.Environment["Calendar__Limits__SubmissionsPerHour"] = "3";
        start.Environment["Calendar__PublicBaseUrl"] = "https://calendar.example.org"; // as deployed: the same links from every instance
        start.Environment["CLUSTER_DIR"] = _dir;
        _cluster = Process.Start(start)!;
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.Add(e.Data);
            if (e.Data.StartsWith("URL=", StringComparison.Ordinal)) url.TrySetResult(e.Data[4..]);
        };
        _cluster.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _cluster.Exited += (_, _) => url.TrySetException(new InvalidOperationException("scripts/cluster exited:\n" + Output()));
        _cluster.EnableRaisingEvents = true;
        _cluster.BeginOutputReadLine();
        _cluster.BeginErrorReadLine();
        var finished = await Task.WhenAny(url.Task, Task.Delay(TimeSpan.FromMinutes(4)));
        Assert.That(finished, Is.SameAs(url.Task), "scripts/cluster printed no URL in 4 minutes:\n" + Output());
        _proxy = new Uri(await url.Task);
        _first = Instance(1);
        _second = Instance(2);
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_cluster is { HasExited: false })
        {
            Process.Start("kill", ["-TERM", _cluster.Id.ToString()])!.WaitForExit();
            await _cluster.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        Assert.That(Output(), Does.Contain("cluster: stopped"));
        foreach (var k in new[] { 1, 2 })
        {
            var pidFile = Path.Combine(_dir, $"instance-{k}.pid");
            if (File.Exists(pidFile))
                Assert.That(IsRunning(int.Parse(File.ReadAllText(pidFile).Trim())), Is.False, $"instance {k} still runs after the cluster stopped");
        }
        Directory.Delete(_dir, recursive: true);
        await TestDatabase.DropAsync(_connectionString);
    }

    [Test]
    public async Task The_api_pages_and_feeds_answer_through_the_proxy()
    {
        using var client = Client(_proxy);
        var list = await client.GetAsync("/api/events?limit=5");
        var items = (await list.JsonAsync()).GetProperty("items");
        var id = items[0].GetProperty("id").GetString();
        var one = await client.GetAsync($"/api/events/{id}");
        var badFilter = await client.GetAsync("/api/events?from=yesterday-ish");
        var home = await client.GetAsync("/");
        var page = await client.GetAsync($"/events/{id}");
        var single = await client.GetAsync($"/events/{id}.ics");
        var cors = new HttpRequestMessage(HttpMethod.Get, "/api/events?limit=1");
        cors.Headers.Add("Origin", "https://partner.example.org");
        var corsAnswer = await client.SendAsync(cors);
        var ready = await client.GetAsync("/health/ready");
        var unknown = await client.GetAsync($"/api/events/{Guid.NewGuid()}");

        Assert.Multiple(async () =>
        {
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(items.GetArrayLength(), Is.EqualTo(5), "the sample events were loaded once");
            Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(one.Headers.ETag, Is.Not.Null);
            Assert.That(badFilter.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await badFilter.Content.ReadAsStringAsync(), Does.Contain("from"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(single.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
            Assert.That(await single.Content.ReadAsStringAsync(), Does.StartWith("BEGIN:VCALENDAR\r\n").And.Contain($"UID:{id}"));
            Assert.That(corsAnswer.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Feeds_are_served_from_the_proxys_cache_and_revalidated_by_their_validators()
    {
        using var client = Client(_proxy);
        const string feed = "/feeds/events.ics?kind=webinar&kind=conference";
        var first = await client.GetAsync(feed);
        var second = await client.GetAsync(feed);
        var conditional = new HttpRequestMessage(HttpMethod.Get, feed);
        conditional.Headers.IfNoneMatch.Add(second.Headers.ETag!);
        var notModified = await client.SendAsync(conditional);
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, feed));
        await Task.Delay(TimeSpan.FromSeconds(6)); // past the proxy's 5 s freshness: it asks an instance with its validators
        var afterExpiry = await client.GetAsync(feed);
        var thenFresh = await client.GetAsync(feed);

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/calendar; charset=utf-8"));
            Assert.That(await first.Content.ReadAsStringAsync(), Does.StartWith("BEGIN:VCALENDAR\r\n").And.Contain("END:VCALENDAR"));
            Assert.That(CacheStatus(second), Is.EqualTo("HIT"));
            Assert.That(second.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=300"), "clients get the service's own caching rule");
            Assert.That(await second.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(notModified.Headers.ETag, Is.EqualTo(second.Headers.ETag));
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(CacheStatus(afterExpiry), Is.AnyOf("STALE", "REVALIDATED", "UPDATING"));
            Assert.That(afterExpiry.Headers.ETag, Is.EqualTo(first.Headers.ETag), "nothing changed, so the same validators");
            Assert.That(CacheStatus(thenFresh), Is.AnyOf("HIT", "REVALIDATED"));
        });
    }

    [Test]
    public async Task Validators_are_the_same_from_both_instances_and_the_proxy()
    {
        var id = (await (await Client(_first).GetAsync("/api/events?limit=1")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetString();
        foreach (var (path, encoding) in new[] { ("/feeds/events.ics", ""), ("/feeds/events.ics?tag=migration", "gzip"), ($"/events/{id}.ics", ""), ($"/api/events/{id}", "") })
        {
            var first = await AnswerAsync(_first, path, encoding);
            var second = await AnswerAsync(_second, path, encoding);
            Assert.That(first.ETag, Is.Not.Null, path);
            Assert.That(second, Is.EqualTo(first), $"{path}: instance 1 and instance 2 differ");

            // The proxy may hold an earlier version for its 5 s of freshness (another test wrote just before).
            var proxied = await AnswerAsync(_proxy, path, encoding);
            for (var tries = 0; proxied != first && tries < 20; tries++)
            {
                await Task.Delay(500);
                proxied = await AnswerAsync(_proxy, path, encoding);
            }
            Assert.That(proxied, Is.EqualTo(first), $"{path}: the proxy differs from the instances");
        }
    }

    private sealed record Answer(string? ETag, DateTimeOffset? LastModified, string BodyDigest);

    private static async Task<Answer> AnswerAsync(Uri origin, string path, string encoding)
    {
        using var client = Client(origin);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (encoding.Length > 0) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{origin}{path}");
        var digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        return new Answer(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified, digest);
    }

    [Test]
    public async Task A_write_on_one_instance_is_in_the_others_json_and_feed_at_once_and_through_the_proxy_within_seconds()
    {
        using var proxy = Client(_proxy);
        const string feed = "/feeds/events.ics?kind=webinar";
        Assert.That((await proxy.GetAsync(feed)).StatusCode, Is.EqualTo(HttpStatusCode.OK)); // cached at the proxy now

        var title = $"Webinar written on instance 1 {Guid.NewGuid():N}";
        using var moderator = Client(_first);
        moderator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var day = DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd");
        var created = await moderator.PostJsonAsync("/api/events", EventBuilder.Timed(title, startsAt: $"{day}T14:00", endsAt: $"{day}T15:00"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.JsonAsync()).GetProperty("id").GetString();
        var written = Stopwatch.StartNew();

        using var other = Client(_second);
        var json = await other.GetAsync($"/api/events/{id}");
        var otherFeed = await other.GetStringAsync(feed);
        Assert.Multiple(async () =>
        {
            Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await json.JsonAsync()).GetProperty("title").GetString(), Is.EqualTo(title));
            Assert.That(otherFeed, Does.Contain($"UID:{id}"));
        });

        // The proxy keeps a feed for 5 s before it revalidates; the SPEC allows a client's refresh cycle (minutes).
        string viaProxy;
        do
        {
            viaProxy = await proxy.GetStringAsync(feed);
            if (viaProxy.Contains($"UID:{id}")) break;
            await Task.Delay(500);
        } while (written.Elapsed < TimeSpan.FromSeconds(20));
        Assert.That(viaProxy, Does.Contain($"UID:{id}"), $"not in the proxy's feed {written.Elapsed.TotalSeconds:0.0} s after the write");
        TestContext.Out.WriteLine($"In the proxy's feed {written.Elapsed.TotalSeconds:0.0} s after the write.");
    }

    [Test]
    public async Task A_sign_in_on_one_instance_works_on_the_other_and_through_the_proxy()
    {
        using var admin = Client(_first);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var account = await admin.PostJsonAsync("/api/admin/accounts", new { email = "roaming@example.org", role = "moderator", password = Password });
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.Created), await account.Content.ReadAsStringAsync());

        var cookies = new CookieContainer(); // cookies do not depend on the port: one jar for both instances and the proxy
        using var onFirst = Client(_first, cookies);
        var token = Forms.TokenIn(await onFirst.GetStringAsync("/login"));
        var signIn = await Forms.PostAsync(onFirst, "/login", token, ("email", "roaming@example.org"), ("password", Password), ("returnUrl", "/admin"));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await signIn.Content.ReadAsStringAsync());

        using var onSecond = Client(_second, cookies);
        using var viaProxy = Client(_proxy, cookies);
        using var stranger = Client(_second);
        var adminOnSecond = await onSecond.GetAsync("/admin");
        var adminViaProxy = await viaProxy.GetAsync("/admin");
        var adminForStranger = await stranger.GetAsync("/admin");
        Assert.Multiple(async () =>
        {
            Assert.That(adminOnSecond.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await adminOnSecond.Content.ReadAsStringAsync(), Does.Contain("roaming@example.org"));
            Assert.That(adminViaProxy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(adminForStranger.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        });
    }

    [Test]
    public async Task The_submission_limit_counts_across_both_instances_and_the_proxy()
    {
        // Calendar__Limits__SubmissionsPerHour=3 for the cluster; every request here comes from 127.0.0.1.
        var statuses = new List<HttpStatusCode>();
        foreach (var origin in new[] { _first, _second, _proxy, _proxy, _first, _second })
        {
            using var client = Client(origin);
            statuses.Add((await client.PostJsonAsync("/api/submissions", EventBuilder.Timed("Submitted across the cluster"))).StatusCode);
        }
        Assert.That(statuses, Is.EqualTo(new[]
        {
            HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
        }));
    }

    [Test]
    public async Task A_rolling_restart_under_load_fails_no_request()
    {
        var wrk = "/usr/bin/wrk";
        Assert.That(File.Exists(wrk), Is.True, "wrk is not installed (Debian package wrk; scripts/test installs it)");
        var pidsBefore = new[] { 1, 2 }.Select(k => File.ReadAllText(Path.Combine(_dir, $"instance-{k}.pid")).Trim()).ToArray();
        var script = Path.Combine(_dir, "mix.lua");
        await File.WriteAllTextAsync(script, MixLua);

        // wrk runs until both restarts are over (and 2 s more), then is stopped with SIGINT, which makes it report.
        var start = new ProcessStartInfo(wrk, ["-t2", "-c16", "-d300s", "--timeout", "10s", "-s", script, _proxy.ToString().TrimEnd('/')])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var load = Process.Start(start)!;
        var loadOutput = load.StandardOutput.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var restartFirst = await Run("bash", Path.Combine(Repo, "scripts", "cluster"), "restart", "1");
        var restartSecond = await Run("bash", Path.Combine(Repo, "scripts", "cluster"), "restart", "2");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var stillRunning = !load.HasExited;
        Process.Start("kill", ["-INT", load.Id.ToString()])!.WaitForExit();
        await load.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var report = await loadOutput;
        TestContext.Out.WriteLine(report);

        var pidsAfter = new[] { 1, 2 }.Select(k => File.ReadAllText(Path.Combine(_dir, $"instance-{k}.pid")).Trim()).ToArray();
        var requests = WrkRequests().Match(report);
        Assert.Multiple(() =>
        {
            Assert.That(restartFirst.ExitCode, Is.Zero, restartFirst.Output);
            Assert.That(restartSecond.ExitCode, Is.Zero, restartSecond.Output);
            Assert.That(pidsAfter[0], Is.Not.EqualTo(pidsBefore[0]), "instance 1 was restarted");
            Assert.That(pidsAfter[1], Is.Not.EqualTo(pidsBefore[1]), "instance 2 was restarted");
            Assert.That(stillRunning, Is.True, "both restarts happened while the load ran");
            Assert.That(requests.Success && long.Parse(requests.Groups[1].Value) > 1000, Is.True, "wrk made requests");
            Assert.That(report, Does.Not.Contain("Socket errors"), "connections failed");
            Assert.That(report, Does.Not.Contain("Non-2xx or 3xx responses"), "some requests failed");
        });
    }

    // GETs of the API, pages and feeds in turn, as subscribers, browsers and partner widgets send them.
    private const string MixLua = """
        local paths = { "/api/events?limit=20", "/feeds/events.ics", "/health/ready", "/api/tags", "/feeds/events.ics?kind=webinar", "/" }
        local i = 0
        request = function()
          i = i + 1
          return wrk.format("GET", paths[(i % #paths) + 1])
        end
        """;

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    private static string? CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache-Status", out var values) ? values.Single() : null;

    private static HttpClient Client(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler
        {
            AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer(),
            AutomaticDecompression = DecompressionMethods.None,
        }) { BaseAddress = baseAddress };

    private Uri Instance(int k) => new($"http://127.0.0.1:{File.ReadAllText(Path.Combine(_dir, $"instance-{k}.port")).Trim()}");

    private string Output() { lock (_output) return string.Join('\n', _output); }

    private static bool IsRunning(int pid)
    {
        try { return !Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }

    private sealed record Result(int ExitCode, string Output);

    private async Task<Result> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo };
        start.Environment["CLUSTER_DIR"] = _dir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "cluster"))) return dir.FullName;
        throw new InvalidOperationException("scripts/cluster not found above " + AppContext.BaseDirectory);
    }
}
