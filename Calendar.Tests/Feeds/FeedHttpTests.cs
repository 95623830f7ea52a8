using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Feeds;

/// <summary>The feed routes over HTTP, on the 63 sample events: what Outlook, Google, Apple and Thunderbird get.</summary>
public sealed class FeedHttpTests
{
    private CalendarApp _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = await CalendarApp.StartAsync(new Dictionary<string, string?> { ["Calendar:LoadSampleData"] = "true" });
        _client = _app.Anonymous();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private async Task<List<JsonElement>> AllEventsAsync()
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var json = await (await _client.GetAsync("/api/events?from=2000-01-01&to=2040-12-31&limit=200" + (cursor is null ? "" : "&cursor=" + cursor))).JsonAsync();
            items.AddRange(json.GetProperty("items").EnumerateArray());
            cursor = json.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? json.GetProperty("nextCursor").GetString() : null;
        } while (cursor is not null);
        return items;
    }

    [Test]
    public async Task The_whole_sample_calendar_reads_the_same_in_both_parsers_and_matches_the_API()
    {
        var response = await _client.GetAsync("/feeds/events.ics?from=2000-01-01");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var seen = await Parsers.BothAsync(await response.Content.ReadAsByteArrayAsync());

        // The API lists occurrences; the feed lists each event (series once): compare on the first occurrence.
        var api = (await AllEventsAsync()).GroupBy(e => e.GetProperty("id").GetString()!).ToDictionary(g => g.Key, g => g.First());
        Assert.That(seen.Events.Select(e => e.Uid), Is.EquivalentTo(api.Keys));
        Assert.That(seen.Events, Has.Count.EqualTo(63));
        Assert.Multiple(() =>
        {
            foreach (var e in seen.Events)
            {
                var json = api[e.Uid];
                if (json.GetProperty("allDay").GetBoolean())
                {
                    Assert.That(e.AllDay, Is.True, e.Summary);
                    if (json.GetProperty("recurrence").ValueKind == JsonValueKind.Null)
                        Assert.That(e.Start, Is.EqualTo(json.GetProperty("startsOn").GetString()), e.Summary);
                }
                else
                {
                    Assert.That(e.Start, Is.EqualTo(json.GetProperty("startsAtUtc").GetString()), e.Summary);
                }
                Assert.That(e.Status, Is.EqualTo(json.GetProperty("status").GetString()!.ToUpperInvariant()), e.Summary);
            }
        });
    }

    [TestCase("/feeds/events.ics")]
    [TestCase("/feeds/events.ics?kind=webinar&kind=world-day")]
    [TestCase("/feeds/events.ics?from=2016-01-01&tag=labour-exploitation&online=false")]
    [TestCase("/feeds/events.ics?from=2016-01-01&country=AT")]
    [TestCase("/feeds/events.ics?from=2016-01-01&q=OSCE")]
    [TestCase("/feeds/osce.ics")]
    [TestCase("/feeds/world-days.ics")]
    [TestCase("/feeds/webinars.ics")]
    public async Task Every_kind_of_feed_passes_both_parsers_with_a_VTIMEZONE_for_each_TZID(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var seen = await Parsers.BothAsync(bytes);
        var text = Encoding.UTF8.GetString(bytes).Replace("\r\n ", "");
        var tzids = System.Text.RegularExpressions.Regex.Matches(text, ";TZID=([^:;]+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(seen.TimeZones, Is.EquivalentTo(tzids));
        Assert.That(seen.Name, Does.StartWith("Anti-trafficking events"));
    }

    [Test]
    public async Task The_named_world_days_feed_holds_yearly_free_all_day_events()
    {
        var text = await _client.GetStringAsync("/feeds/world-days.ics");
        var seen = await Parsers.BothAsync(Encoding.UTF8.GetBytes(text));
        Assert.That(seen.Events, Is.Not.Empty);
        Assert.That(seen.Events.All(e => e.AllDay && e.Occurrences.Count > 1), Is.True);
        Assert.That(text, Does.Contain("X-WR-CALNAME:Anti-trafficking events — world days\r\n"));
        Assert.That(text.Split("BEGIN:VEVENT").Length - 1, Is.EqualTo(text.Split("TRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE").Length - 1));
    }

    [Test]
    public async Task A_feed_is_text_calendar_for_any_Accept_header_and_ignores_Authorization_and_sets_no_cookie()
    {
        foreach (var (accept, authorization) in new (string?, AuthenticationHeaderValue?)[]
                 {
                     (null, null), ("application/json", null), ("text/html", new AuthenticationHeaderValue("Bearer", "not-a-token")),
                     ("*/*", new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz")),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/events.ics?kind=webinar");
            if (accept is not null) request.Headers.Accept.ParseAdd(accept);
            request.Headers.Authorization = authorization;
            var response = await _client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{accept} {authorization}");
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/calendar; charset=utf-8"));
            Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
            Assert.That(response.Content.Headers.ContentDisposition!.ToString(), Is.EqualTo("inline; filename=\"events.ics\""));
            Assert.That(response.Headers.CacheControl!.Public, Is.True);
            Assert.That(response.Headers.CacheControl.MaxAge, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
            Assert.That(response.Headers.ETag, Is.Not.Null);
            Assert.That(response.Content.Headers.LastModified, Is.Not.Null);
        }
    }

    [Test]
    public async Task HEAD_answers_with_the_headers_of_GET_and_no_body()
    {
        var get = await _client.GetAsync("/feeds/webinars.ics");
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/feeds/webinars.ics"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/calendar; charset=utf-8"));
        Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo((await get.Content.ReadAsByteArrayAsync()).Length));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That(head.Content.Headers.ContentDisposition!.FileName!.Trim('"'), Is.EqualTo("webinars.ics"));
    }

    [TestCase("kind=party", "kind")]
    [TestCase("from=yesterday", "from")]
    [TestCase("country=Belgium", "country")]
    [TestCase("online=maybe", "online")]
    [TestCase("limit=10", "limit")]
    [TestCase("cursor=abc", "cursor")]
    public async Task An_invalid_filter_on_a_feed_URL_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        var response = await _client.GetAsync("/feeds/events.ics?" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        var json = await response.JsonAsync();
        Assert.That(json.GetProperty("errors").TryGetProperty(parameter, out _), Is.True);
    }

    [Test]
    public async Task A_filter_that_matches_nothing_gives_a_valid_calendar_without_events()
    {
        var response = await _client.GetAsync("/feeds/events.ics?tag=no-such-tag-any-more");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(bytes, Is.Not.Empty);
        var seen = await Parsers.BothAsync(bytes);
        Assert.That(seen.Events, Is.Empty);
        Assert.That(seen.Name, Is.EqualTo("Anti-trafficking events — no-such-tag-any-more"));
    }

    [Test]
    public async Task An_unknown_named_feed_is_404()
    {
        var response = await _client.GetAsync("/feeds/no-such-feed.ics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task If_None_Match_gets_304_with_the_validators_and_wins_over_If_Modified_Since()
    {
        var first = await _client.GetAsync("/feeds/osce.ics");
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        async Task<HttpResponseMessage> Conditional(string? ifNoneMatch, string? ifModifiedSince)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/osce.ics");
            if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            if (ifModifiedSince is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", ifModifiedSince);
            return await _client.SendAsync(request);
        }

        var notModified = await Conditional(etag.ToString(), null);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(notModified.Headers.ETag, Is.EqualTo(etag));
        Assert.That(notModified.Content.Headers.LastModified, Is.EqualTo(lastModified));
        Assert.That(notModified.Headers.CacheControl!.MaxAge, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(notModified.Headers.Vary, Does.Contain("Accept-Encoding"));
        Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);

        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("R");
        Assert.That((await Conditional("\"something-else\"", future)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "If-None-Match wins");
        Assert.That((await Conditional(null, lastModified.ToString("R"))).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That((await Conditional(null, lastModified.AddSeconds(-1).ToString("R"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Conditional(null, "not a date")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Conditional($"\"x\", {etag}", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified), "a list of tags");
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task Compression_is_used_only_when_asked_for_and_gives_the_same_calendar(string encoding)
    {
        var plain = await (await _client.GetAsync("/feeds/events.ics?from=2000-01-01")).Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/events.ics?from=2000-01-01");
        request.Headers.AcceptEncoding.ParseAdd(encoding);
        var response = await _client.SendAsync(request);
        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
        Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.That(compressed.Length, Is.LessThan(plain.Length / 2));
        await using Stream decompressor = encoding == "gzip"
            ? new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        await decompressor.CopyToAsync(output);
        Assert.That(output.ToArray(), Is.EqualTo(plain));

        var plainAgain = await _client.GetAsync("/feeds/events.ics?from=2000-01-01");
        Assert.That(plainAgain.Content.Headers.ContentEncoding, Is.Empty);
    }

    [Test]
    public async Task The_single_event_file_is_an_attachment_with_the_feed_UID_and_no_calendar_name()
    {
        var feed = await Parsers.BothAsync(await _client.GetByteArrayAsync("/feeds/events.ics?from=2000-01-01"));
        foreach (var e in feed.Events.Take(8))
        {
            var response = await _client.GetAsync($"/events/{e.Uid}.ics");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/calendar; charset=utf-8"));
            Assert.That(response.Content.Headers.ContentDisposition!.ToString(), Is.EqualTo($"attachment; filename=\"{e.Uid}.ics\""));
            Assert.That(response.Headers.GetValues("X-Robots-Tag"), Is.EqualTo(new[] { "noindex" }));
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var text = Encoding.UTF8.GetString(bytes);
            Assert.That(text, Does.Contain("METHOD:PUBLISH\r\n").And.Not.Contain("X-WR-CALNAME").And.Not.Contain("X-PUBLISHED-TTL"));
            var single = await Parsers.BothAsync(bytes);
            static object Key(SeenEvent x) => (x.Uid, x.Summary, x.Status, x.Sequence, x.AllDay, x.Start, x.End, x.Description, x.Location,
                string.Join(",", x.Categories), string.Join(",", x.Occurrences));
            Assert.That(Key(single.Events.Single()), Is.EqualTo(Key(e)), "the same event as in the feed");
        }
        Assert.That((await _client.GetAsync($"/events/{Guid.NewGuid()}.ics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Robots_txt_lets_crawlers_fetch_feeds()
    {
        var text = await _client.GetStringAsync("/robots.txt");
        Assert.That(text, Does.Contain("Allow: /feeds/"));
        Assert.That(text, Does.Not.Contain("Disallow: /feeds").And.Not.Contain("Disallow: /\n"));
    }
}
