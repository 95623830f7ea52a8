using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Beyond;

/// <summary>/feeds/events.rss and /feeds/events.atom, read by feedparser (the Universal Feed Parser many news readers use).</summary>
public sealed class NewsFeedsTests : AppFixture
{
    private const string Hostile = "Tom & Jerry's <b>webinar</b> ]]> on labour";
    private string _webinar = null!, _conference = null!, _approved = null!;

    protected override async Task SeedAsync()
    {
        var moderator = App.Moderator();
        // Submitted first, approved last: published last, so it leads the feed.
        var submitted = await App.Anonymous().PostJsonAsync("/api/submissions", EventBuilder.AllDay("Submitted then approved", "2034-07-01")
            .With("tags", new[] { "migration" }));
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submitted.Content.ReadAsStringAsync());
        _approved = (await submitted.JsonAsync()).GetProperty("id").GetString()!;
        _webinar = await CreateAsync(moderator, EventBuilder.Timed(Hostile, "2034-05-06T14:00", "2034-05-06T15:30")
            .With("organizers", new[] { "La Strada International" }));
        await Task.Delay(20);
        _conference = await CreateAsync(moderator, EventBuilder.AllDay("Alliance conference", "2034-04-14", "2034-04-15", kind: "conference"));
        await Task.Delay(20);
        var approve = await moderator.PostAsync($"/api/moderation/{_approved}/approve", null);
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/events", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>feedparser's view of the bytes (Debian's /usr/bin/python3, where python3-feedparser lives).</summary>
    private static async Task<JsonElement> FeedparserAsync(byte[] feed)
    {
        var script = Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Tests", "Beyond", "feedparse.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(feed);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await error);
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    private async Task<(HttpResponseMessage Response, JsonElement Parsed)> GetAsync(string url)
    {
        var response = await App.Anonymous().GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (response, await FeedparserAsync(await response.Content.ReadAsByteArrayAsync()));
    }

    private static string[] Ids(JsonElement parsed) =>
        parsed.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray();

    [TestCase("rss", "rss20", "application/rss+xml")]
    [TestCase("atom", "atom10", "application/atom+xml")]
    public async Task A_feed_parser_reads_the_newest_published_first_with_date_place_and_page(string extension, string version, string mediaType)
    {
        var (response, parsed) = await GetAsync($"/feeds/events.{extension}?from=2034-01-01");
        var entries = parsed.GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        var webinar = entries[$"urn:uuid:{_webinar}"];
        Assert.Multiple(() =>
        {
            Assert.That(parsed.GetProperty("bozo").GetBoolean(), Is.False, parsed.GetProperty("bozoException").GetString());
            Assert.That(parsed.GetProperty("version").GetString(), Is.EqualTo(version));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(mediaType));
            Assert.That(parsed.GetProperty("title").GetString(), Is.EqualTo("Anti-trafficking events"));
            Assert.That(Ids(parsed), Is.EqualTo(new[] { $"urn:uuid:{_approved}", $"urn:uuid:{_conference}", $"urn:uuid:{_webinar}" }));
            Assert.That(webinar.GetProperty("title").GetString(), Does.Contain("Tom & Jerry's").And.Contain("]]> on labour"));
            Assert.That(webinar.GetProperty("link").GetString(), Is.EqualTo($"http://localhost/events/{_webinar}"));
            Assert.That(webinar.GetProperty("summary").GetString(),
                Does.Contain("When: Sat 6 May 2034, 14:00–15:30 CEST (Europe/Brussels)").And.Contain("Where: Online").And.Contain("Organizers: La Strada International"));
            Assert.That(entries[$"urn:uuid:{_conference}"].GetProperty("summary").GetString(), Does.Contain("Where: Vienna, Austria"));
            Assert.That(webinar.GetProperty("published").GetString(), Is.Not.Null.And.Not.Empty);
            Assert.That(webinar.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Does.Contain("webinar").And.Contain("labour-exploitation"));
        });
    }

    [Test]
    public async Task Atom_titles_are_plain_text_exactly_as_typed()
    {
        var (_, parsed) = await GetAsync("/feeds/events.atom?from=2034-01-01&kind=webinar");
        var entry = parsed.GetProperty("entries").EnumerateArray().Single();
        Assert.That(entry.GetProperty("title").GetString(), Is.EqualTo(Hostile));
        Assert.That(entry.GetProperty("titleType").GetString(), Is.EqualTo("text/plain"));
    }

    [TestCase("rss")]
    [TestCase("atom")]
    public async Task The_filters_of_the_ics_feed_apply(string extension)
    {
        var (_, parsed) = await GetAsync($"/feeds/events.{extension}?from=2034-01-01&tag=migration");
        Assert.That(Ids(parsed), Is.EqualTo(new[] { $"urn:uuid:{_approved}" }));
        Assert.That(parsed.GetProperty("title").GetString(), Is.EqualTo("Anti-trafficking events — migration"));
    }

    [TestCase("rss")]
    [TestCase("atom")]
    public async Task Validators_and_caching_are_those_of_the_ics_feeds(string extension)
    {
        var client = App.Anonymous();
        var url = $"/feeds/events.{extension}?from=2034-01-01";
        var first = await client.GetAsync(url);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        using var byTag = new HttpRequestMessage(HttpMethod.Get, url);
        byTag.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(byTag);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, url);
        byDate.Headers.IfModifiedSince = lastModified;
        var notModifiedByDate = await client.SendAsync(byDate);
        using var gzip = new HttpRequestMessage(HttpMethod.Get, url);
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var compressed = await client.SendAsync(gzip);
        var ics = await client.GetAsync("/feeds/events.ics?from=2034-01-01");

        Assert.Multiple(() =>
        {
            Assert.That(first.Headers.CacheControl!.ToString(), Is.EqualTo(ics.Headers.CacheControl!.ToString()));
            Assert.That(first.Content.Headers.LastModified, Is.EqualTo(ics.Content.Headers.LastModified));
            Assert.That(first.Headers.Vary, Does.Contain("Accept-Encoding"));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(notModified.Headers.ETag, Is.EqualTo(etag));
            Assert.That(notModifiedByDate.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(compressed.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
            Assert.That(etag.Tag, Is.Not.EqualTo(ics.Headers.ETag!.Tag), "each format has its own tag");
        });
    }

    [Test]
    public async Task A_change_to_an_event_gives_the_feed_a_new_tag()
    {
        var client = App.Anonymous();
        var before = (await client.GetAsync("/feeds/events.rss?from=2034-01-01")).Headers.ETag!;
        var cancel = await App.Moderator().PostAsync($"/api/events/{_conference}/cancel", null);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Instances learn of a write from PostgreSQL's NOTIFY at commit, shortly after the writer's response.
        HttpResponseMessage after;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((after = await client.GetAsync("/feeds/events.rss?from=2034-01-01")).Headers.ETag!.Equals(before))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The feed kept its tag 10 s after the change.");
            await Task.Delay(50);
        }
        var parsed = await FeedparserAsync(await after.Content.ReadAsByteArrayAsync());
        Assert.That(parsed.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("title").GetString()),
            Does.Contain("Cancelled: Alliance conference"));
        Assert.That(Ids(parsed), Is.EqualTo(new[] { $"urn:uuid:{_approved}", $"urn:uuid:{_conference}", $"urn:uuid:{_webinar}" }),
            "a change is not a new publication: the order stays");
    }

    [Test]
    public async Task The_database_records_publication_on_every_path_and_only_for_published_events()
    {
        await using var connection = await App.OpenDatabaseAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) filter (where moderation = 'published' and published_at is null), " +
            "count(*) filter (where moderation <> 'published' and published_at is not null), " +
            "count(*) filter (where id = @approved and published_at > created_at) from events", connection);
        command.Parameters.AddWithValue("approved", Guid.Parse(_approved));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetInt64(0), Is.Zero, "published without a publication time");
            Assert.That(reader.GetInt64(1), Is.Zero, "a publication time on an unpublished event");
            Assert.That(reader.GetInt64(2), Is.EqualTo(1), "a submission is published when approved, not when sent");
        });
    }

    [TestCase("/feeds/events.rss?language=x-")]
    [TestCase("/feeds/events.atom?kind=party")]
    [TestCase("/feeds/events.rss?limit=5")]
    public async Task A_malformed_filter_is_a_problem_naming_the_parameter(string url)
    {
        var response = await App.Anonymous().GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name).Single(), Is.AnyOf("language", "kind", "limit"));
    }
}
