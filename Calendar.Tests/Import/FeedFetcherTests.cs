using System.IO.Compression;
using System.Net;
using Calendar.Core.Import;
using Calendar.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Calendar.Tests.Import;

/// <summary>The fetcher against a real loopback server: what it refuses and why.</summary>
public sealed class FeedFetcherTests
{
    private FeedServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await FeedServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private static FeedFetcher Fetcher(bool allowPrivate, string? allowed = null) =>
        new(Options.Create(new ImportOptions { AllowPrivateNetworks = allowPrivate, AllowedNetworks = allowed, Timeout = TimeSpan.FromSeconds(5) }));

    [TestCase("127.0.0.1", "loopback")]
    [TestCase("10.1.2.3", "private")]
    [TestCase("172.20.0.1", "private")]
    [TestCase("192.168.1.1", "private")]
    [TestCase("169.254.169.254", "link-local")]
    [TestCase("100.64.0.1", "private (carrier-grade NAT)")]
    [TestCase("224.0.0.1", "multicast")]
    [TestCase("0.0.0.0", "reserved")]
    [TestCase("::1", "loopback")]
    [TestCase("fe80::1", "link-local")]
    [TestCase("fd00::1", "private")]
    [TestCase("ff02::1", "multicast")]
    [TestCase("::ffff:127.0.0.1", "loopback")]
    [TestCase("64:ff9b::a00:1", "private")]
    [TestCase("93.184.216.34", "public")]
    [TestCase("2a00:1450:4001:81b::200e", "public")]
    public void Addresses_are_classified_so_that_only_public_ones_are_fetched(string address, string expected) =>
        Assert.That(AddressRules.Describe(IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connect()
    {
        _server.Serve("/named.ics", Ics.Calendar());
        using var fetcher = Fetcher(allowPrivate: false);
        var result = await fetcher.FetchAsync($"http://localhost:{new Uri(_server.BaseUrl).Port}/named.ics", null, null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(FetchOutcome.Failed));
        Assert.That(result.Problem, Does.Contain("loopback"));
        Assert.That(_server.Requests.Any(r => r.Path == "/named.ics"), Is.False, "no request reached the server");
    }

    [Test]
    public async Task An_allowed_network_is_fetched_and_a_redirect_out_of_it_is_refused()
    {
        var port = new Uri(_server.BaseUrl).Port;
        _server.Serve("/inside.ics", Ics.Calendar());
        _server.Handle("/out", c => { c.Response.Redirect($"http://[::1]:{port}/inside.ics"); return Task.CompletedTask; });
        using var fetcher = Fetcher(allowPrivate: false, allowed: "127.0.0.2/32");
        Assert.That((await fetcher.FetchAsync(_server.Url("/inside.ics"), null, null, CancellationToken.None)).Outcome, Is.EqualTo(FetchOutcome.Ok));
        var redirected = await fetcher.FetchAsync(_server.Url("/out"), null, null, CancellationToken.None);
        Assert.That(redirected.Outcome, Is.EqualTo(FetchOutcome.Failed));
        Assert.That(redirected.Problem, Does.Contain("::1").And.Contain("loopback"));
    }

    [Test]
    public async Task More_than_five_redirects_fail_and_five_are_followed()
    {
        for (var i = 0; i < 7; i++)
        {
            var next = i + 1;
            _server.Handle($"/hop{i}", c => { c.Response.Redirect($"/hop{next}"); return Task.CompletedTask; });
        }
        _server.Serve("/hop7", Ics.Calendar());
        _server.Serve("/hop5", Ics.Calendar());
        using var fetcher = Fetcher(allowPrivate: true);
        Assert.That((await fetcher.FetchAsync(_server.Url("/hop0"), null, null, CancellationToken.None)).Outcome, Is.EqualTo(FetchOutcome.Ok), "five hops");
        _server.Handle("/hop5", c => { c.Response.Redirect("/hop6"); return Task.CompletedTask; });
        var tooMany = await fetcher.FetchAsync(_server.Url("/hop0"), null, null, CancellationToken.None);
        Assert.That(tooMany.Outcome, Is.EqualTo(FetchOutcome.Failed));
        Assert.That(tooMany.Problem, Does.Contain("More than 5 redirects"));
    }

    [Test]
    public async Task A_small_gzip_body_that_expands_past_the_cap_is_refused()
    {
        using var packed = new MemoryStream();
        await using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            await gzip.WriteAsync(new byte[20 * 1024 * 1024]);
        var body = packed.ToArray();
        Assert.That(body.Length, Is.LessThan(100_000));
        _server.Handle("/bomb.ics", async c =>
        {
            c.Response.Headers.ContentEncoding = "gzip";
            c.Response.ContentType = "text/calendar";
            await c.Response.Body.WriteAsync(body);
        });
        using var fetcher = Fetcher(allowPrivate: true);
        var result = await fetcher.FetchAsync(_server.Url("/bomb.ics"), null, null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(FetchOutcome.Failed));
        Assert.That(result.Problem, Does.Contain("larger than 5 MB"));
    }

    [TestCase("ftp://example.org/feed.ics")]
    [TestCase("file:///etc/passwd")]
    public async Task Only_http_and_https_are_fetched(string url)
    {
        using var fetcher = Fetcher(allowPrivate: true);
        var result = await fetcher.FetchAsync(url, null, null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(FetchOutcome.Failed));
        Assert.That(result.Problem, Does.Contain("Only http and https"));
    }
}
