using System.Net;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>The language filter (SPEC: repeatable, a BCP 47 primary tag matches its regional forms) on every surface.</summary>
public sealed class LanguageFilterTests : AppFixture
{
    private HttpClient _client = null!;
    private const string Window = "from=2033-01-01&to=2033-12-31";

    protected override async Task SeedAsync()
    {
        _client = App.Anonymous();
        var moderator = App.Moderator();
        async Task Add(string title, string? language, string day)
        {
            var body = EventBuilder.AllDay(title, day).With("language", language);
            var response = await moderator.PostJsonAsync("/api/events", body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        }
        await Add("Réunion à Bruxelles", "fr-BE", "2033-02-01");
        await Add("Réunion à Paris", "fr", "2033-03-01");
        await Add("Meeting in London", "en", "2033-04-01");
        await Add("Treffen in Wien", "de-AT", "2033-05-01");
        await Add("Meeting without a language", null, "2033-06-01");
    }

    private async Task<string[]> Titles(string query)
    {
        var response = await _client.GetAsync($"/api/events?{Window}&{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("title").GetString()!).ToArray();
    }

    [Test]
    public async Task A_primary_tag_matches_its_regional_forms() =>
        Assert.That(await Titles("language=fr"), Is.EqualTo(new[] { "Réunion à Bruxelles", "Réunion à Paris" }));

    [Test]
    public async Task A_regional_tag_matches_only_that_region_in_any_case() =>
        Assert.That(await Titles("language=FR-be"), Is.EqualTo(new[] { "Réunion à Bruxelles" }));

    [Test]
    public async Task Language_is_repeatable_and_comma_separated_values_count_too()
    {
        Assert.That(await Titles("language=en&language=de&language=fr-FR"), Is.EqualTo(new[] { "Meeting in London", "Treffen in Wien" }));
        Assert.That(await Titles("language=en,de,fr"), Is.EqualTo(new[] { "Réunion à Bruxelles", "Réunion à Paris", "Meeting in London", "Treffen in Wien" }));
    }

    [Test]
    public async Task A_well_formed_language_that_no_event_has_gives_an_empty_list() =>
        Assert.That(await Titles("language=uk"), Is.Empty);

    [TestCase("/api/events?language=french!")]
    [TestCase("/api/events?language=f")]
    [TestCase("/feeds/events.ics?language=fr_BE")]
    [TestCase("/embed?language=123")]
    public async Task A_malformed_language_is_a_problem_naming_the_parameter(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.JsonAsync();
        Assert.That(problem.GetProperty("errors").TryGetProperty("language", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task The_home_page_answers_a_malformed_language_with_400_and_says_why()
    {
        var response = await _client.GetAsync("/?language=not_a_tag");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("is not a BCP 47 language tag"));
    }

    [Test]
    public async Task The_languages_facet_counts_primary_tags_of_published_events()
    {
        var json = await (await _client.GetAsync("/api/languages")).JsonAsync();
        var facets = json.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("value").GetString()!, i => i.GetProperty("count").GetInt32());
        Assert.That(facets, Is.EqualTo(new Dictionary<string, int> { ["fr"] = 2, ["en"] = 1, ["de"] = 1 }));
    }

    [Test]
    public async Task The_feed_holds_only_the_chosen_language_and_names_it()
    {
        var response = await _client.GetAsync($"/feeds/events.ics?{Window}&language=de");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text, Does.Contain("SUMMARY:Treffen in Wien"));
            Assert.That(text, Does.Not.Contain("Meeting in London"));
            Assert.That(text, Does.Contain("X-WR-CALNAME:Anti-trafficking events — in German"));
        });
    }

    [Test]
    public async Task The_embed_page_lists_only_the_chosen_language()
    {
        var html = await _client.GetStringAsync($"/embed?{Window}&language=en");
        Assert.That(html, Does.Contain("Meeting in London"));
        Assert.That(html, Does.Not.Contain("Treffen in Wien"));
    }
}
