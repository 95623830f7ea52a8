using System.Net;
using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>Each SPEC filter on GET /api/events, on data made for this fixture (window: 2031).</summary>
public sealed class FiltersTests : AppFixture
{
    private HttpClient _client = null!;
    private const string Window = "from=2031-01-01&to=2031-12-31";

    protected override async Task SeedAsync()
    {
        _client = App.Anonymous();
        var moderator = App.Moderator();
        async Task Add(Dictionary<string, object?> body)
        {
            var response = await moderator.PostJsonAsync("/api/events", body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        }
        await Add(EventBuilder.Timed("Webinar on supply chains", "2031-03-10T10:00", "2031-03-10T11:00")
            .With("tags", new[] { "supply-chains" }).With("organizers", new[] { "Anti-Slavery International" }));
        await Add(EventBuilder.AllDay("Alliance conference in Vienna", "2031-04-14", "2031-04-15", kind: "conference")
            .With("tags", new[] { "policy", "migration" }));
        await Add(EventBuilder.AllDay("Consultation deadline", "2031-05-31", kind: "deadline")
            .With("location", null).With("tags", new[] { "victims-rights" }).With("organizers", new[] { "European Commission" })
            .With("description", "Answers to the questionnaire on compensation for victims."));
        await Add(EventBuilder.AllDay("Training in Warsaw", "2031-06-02", "2031-06-04", kind: "training")
            .With("location", new Dictionary<string, object?> { ["city"] = "Warsaw", ["country"] = "PL" }));
        await Add(EventBuilder.AllDay("Meeting in 2032", "2032-02-02"));
    }

    private async Task<string[]> Titles(string query)
    {
        var response = await _client.GetAsync($"/api/events?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        return json.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("title").GetString()!).ToArray();
    }

    [Test]
    public async Task The_window_selects_by_date_and_orders_by_start() =>
        Assert.That(await Titles(Window), Is.EqualTo(new[]
        {
            "Webinar on supply chains", "Alliance conference in Vienna", "Consultation deadline", "Training in Warsaw",
        }));

    [Test]
    public async Task To_is_inclusive_of_its_day() =>
        Assert.That(await Titles("from=2031-05-01&to=2031-05-31"), Is.EqualTo(new[] { "Consultation deadline" }));

    [Test]
    public async Task An_event_still_running_at_from_is_included() =>
        Assert.That(await Titles("from=2031-04-15&to=2031-04-20"), Is.EqualTo(new[] { "Alliance conference in Vienna" }));

    [Test]
    public async Task From_accepts_an_instant_with_offset() =>
        // 10:30 Brussels summer time is 08:30Z; the webinar (09:00Z-10:00Z) is still running.
        Assert.That(await Titles("from=2031-03-10T08:30:00Z&to=2031-03-11"), Is.EqualTo(new[] { "Webinar on supply chains" }));

    [Test]
    public async Task Kind_is_repeatable() =>
        Assert.That(await Titles($"{Window}&kind=deadline&kind=training"), Is.EqualTo(new[] { "Consultation deadline", "Training in Warsaw" }));

    [Test]
    public async Task Tag_matches_any_of_the_given_tags() =>
        Assert.That(await Titles($"{Window}&tag=migration&tag=victims-rights"),
            Is.EqualTo(new[] { "Alliance conference in Vienna", "Consultation deadline" }));

    [Test]
    public async Task Organizer_matches_the_name() =>
        Assert.That(await Titles($"{Window}&organizer=European%20Commission"), Is.EqualTo(new[] { "Consultation deadline" }));

    [Test]
    public async Task Country_matches_the_location_code_in_any_case() =>
        Assert.That(await Titles($"{Window}&country=pl"), Is.EqualTo(new[] { "Training in Warsaw" }));

    [Test]
    public async Task Online_true_and_false_split_the_list()
    {
        Assert.That(await Titles($"{Window}&online=true"), Is.EqualTo(new[] { "Webinar on supply chains" }));
        Assert.That(await Titles($"{Window}&online=false"), Has.Length.EqualTo(3));
    }

    [TestCase("compensation", "Consultation deadline", TestName = "Q_finds_words_of_the_description")]
    [TestCase("warsaw", "Training in Warsaw", TestName = "Q_finds_the_place")]
    [TestCase("anti-slavery", "Webinar on supply chains", TestName = "Q_finds_organizers")]
    [TestCase("confer", "Alliance conference in Vienna", TestName = "Q_matches_word_prefixes")]
    public async Task Full_text_search(string q, string expected) =>
        Assert.That(await Titles($"{Window}&q={Uri.EscapeDataString(q)}"), Is.EqualTo(new[] { expected }));

    [Test]
    public async Task Filters_combine_with_and() =>
        Assert.That(await Titles($"{Window}&kind=conference&tag=policy&country=AT&online=false&q=vienna"),
            Is.EqualTo(new[] { "Alliance conference in Vienna" }));

    [Test]
    public async Task A_well_formed_filter_that_matches_nothing_is_an_empty_list()
    {
        Assert.That(await Titles($"{Window}&tag=no-such-tag-any-more"), Is.Empty);
        Assert.That(await Titles($"{Window}&q=%27%3B%20drop%20table%20events%3B--"), Is.Empty);
        Assert.That(await App.CountEventsAsync(), Is.EqualTo(5));
    }

    [TestCase("kind=party", "kind")]
    [TestCase("kind=webinar&kind=nope", "kind")]
    [TestCase("tag=Not%20A%20Slug", "tag")]
    [TestCase("from=yesterday", "from")]
    [TestCase("from=2031-02-30", "from")]
    [TestCase("to=2031-01-01T10:00", "to")]
    [TestCase("from=2031-05-01&to=2031-04-01", "to")]
    [TestCase("from=2031-01-01&from=2031-02-01", "from")]
    [TestCase("country=Poland", "country")]
    [TestCase("country=XX", "country")]
    [TestCase("online=yes", "online")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=100000", "limit")]
    [TestCase("limit=-5", "limit")]
    [TestCase("limit=1e3", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("cursor=%27%20or%201%3D1--", "cursor")]
    public async Task A_malformed_filter_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var response = await _client.GetAsync($"/api/events?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.That(errors.TryGetProperty(parameter, out _), Is.True, errors.ToString());
    }

    [Test]
    public async Task An_overlong_q_is_refused()
    {
        var response = await _client.GetAsync($"/api/events?q={new string('a', 201)}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Without_from_the_list_starts_now()
    {
        // Everything in this fixture lies after today (2031-2032), and nothing before today appears.
        var titles = await Titles("limit=200");
        Assert.That(titles, Has.Member("Meeting in 2032"));
        Assert.That(titles, Has.Length.EqualTo(5));
    }

    [Test]
    public async Task Unknown_parameters_are_ignored_so_shared_links_keep_working() =>
        Assert.That(await Titles($"{Window}&utm_source=newsletter&kind=training"), Is.EqualTo(new[] { "Training in Warsaw" }));

    [Test]
    public async Task No_query_string_on_the_list_produces_a_server_error()
    {
        string[] hostile =
        [
            "q=%00", "q=%F0%9F%98%80%F0%9F%98%80", "tag=%E2%80%AE", "organizer=%0D%0ASet-Cookie:x", "kind=", "limit=",
            "from=%20", "cursor=" + new string('A', 90), "q=" + Uri.EscapeDataString("\\' \" ; -- /* */ :* & | ! ( )"),
            "q=" + Uri.EscapeDataString("<script>alert(1)</script>"), "country=%C3%85L", "to=9999-12-31", "from=0001-01-01",
            "online=TRUE", "q=a:*%20%26%20b", "tag=" + string.Join("&tag=", Enumerable.Range(0, 30).Select(i => $"t{i}")),
        ];
        foreach (var query in hostile)
        {
            var response = await _client.GetAsync($"/api/events?{query}");
            Assert.That((int)response.StatusCode, Is.LessThan(500), query);
            Assert.That((int)response.StatusCode, Is.AnyOf(200, 400), query);
        }
        Assert.That(await App.CountEventsAsync(), Is.EqualTo(5));
    }
}
