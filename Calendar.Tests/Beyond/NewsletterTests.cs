using System.Net;
using AngleSharp.Html.Parser;
using Calendar.Tests.Support;

namespace Calendar.Tests.Beyond;

/// <summary>/newsletter: what a coordinator pastes into the network's newsletter, in HTML and plain text.</summary>
public sealed class NewsletterTests : AppFixture
{
    private const string Period = "from=2035-03-01&to=2035-04-30";
    private const string HostileTitle = "<script>alert(1)</script> Tom & Jerry's \"webinar\"";
    private const string HostileOrganizer = "<b>Bold</b> & Co";
    private const string HostileCity = "<img src=x onerror=alert(2)>";
    private string _webinar = null!;

    protected override async Task SeedAsync()
    {
        var moderator = App.Moderator();
        async Task<string> Add(Dictionary<string, object?> body)
        {
            var response = await moderator.PostJsonAsync("/api/events", body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            return (await response.JsonAsync()).GetProperty("id").GetString()!;
        }
        _webinar = await Add(EventBuilder.Timed(HostileTitle, "2035-03-27T14:00", "2035-03-27T15:30")
            .With("organizers", new[] { HostileOrganizer, "La Strada International" }));
        await Add(EventBuilder.AllDay("Expert meeting in Vienna", "2035-04-02", "2035-04-03")
            .With("location", new Dictionary<string, object?> { ["city"] = HostileCity, ["country"] = "AT" }));
        await Add(EventBuilder.AllDay("Alliance conference", "2035-03-10", kind: "conference"));
        await Add(EventBuilder.AllDay("Outside the period", "2035-05-10"));
    }

    private async Task<HttpResponseMessage> GetAsync(string query)
    {
        var response = await App.Anonymous().GetAsync($"/newsletter?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return response;
    }

    [Test]
    public async Task The_HTML_groups_by_month_with_date_time_zone_place_organizers_and_link()
    {
        var response = await GetAsync(Period);
        var document = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        var groups = document.QuerySelectorAll("h2.group").Select(h => h.TextContent).ToArray();
        var webinar = document.QuerySelectorAll("td.event").Single(td => td.QuerySelector("a")!.TextContent == HostileTitle);
        Assert.Multiple(() =>
        {
            Assert.That(groups, Is.EqualTo(new[] { "March 2035", "April 2035" }));
            Assert.That(document.QuerySelectorAll("td.event h3 a").Select(a => a.TextContent),
                Is.EqualTo(new[] { "Alliance conference", HostileTitle, "Expert meeting in Vienna" }));
            Assert.That(webinar.QuerySelector(".when")!.TextContent, Is.EqualTo("When: Tue 27 Mar 2035, 14:00–15:30 CEST (Europe/Brussels)"));
            Assert.That(webinar.QuerySelector(".where")!.TextContent, Is.EqualTo("Where: Online"));
            Assert.That(webinar.QuerySelector(".organizers")!.TextContent, Is.EqualTo($"Organizers: {HostileOrganizer}, La Strada International"));
            Assert.That(webinar.QuerySelector(".link a")!.GetAttribute("href"), Is.EqualTo($"http://localhost/events/{_webinar}"));
            Assert.That(document.Body!.TextContent, Does.Not.Contain("Outside the period"));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'; style-src 'unsafe-inline'"));
        });
    }

    [Test]
    public async Task Every_user_supplied_field_is_escaped_and_nothing_runs_or_loads()
    {
        var document = await new HtmlParser().ParseDocumentAsync(await (await GetAsync(Period)).Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(document.QuerySelectorAll("script, img, b, link, iframe, object, style"), Is.Empty);
            Assert.That(document.All.SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on")), Is.Empty);
            Assert.That(document.QuerySelectorAll("[src]"), Is.Empty, "no external resource of any kind");
            Assert.That(document.Body!.TextContent, Does.Contain(HostileTitle).And.Contain(HostileOrganizer).And.Contain($"{HostileCity}, Austria"));
            Assert.That(document.QuerySelectorAll("td, table, h1, h2, h3, p, a").All(e => e.HasAttribute("style")), Is.True, "styles are inline");
        });
    }

    [Test]
    public async Task Plain_text_grouped_by_kind_keeps_the_text_as_typed()
    {
        var response = await GetAsync($"{Period}&group=kind&format=text");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/plain; charset=utf-8"));
            Assert.That(text, Does.StartWith("Anti-trafficking events: Thu 1 Mar 2035 – Mon 30 Apr 2035\n"));
            Assert.That(text.IndexOf("Webinars\n", StringComparison.Ordinal), Is.LessThan(text.IndexOf("Conferences\n", StringComparison.Ordinal)));
            Assert.That(text.IndexOf("Conferences\n", StringComparison.Ordinal), Is.LessThan(text.IndexOf("Meetings\n", StringComparison.Ordinal)));
            Assert.That(text, Does.Contain($"* {HostileTitle}\n  When: Tue 27 Mar 2035, 14:00–15:30 CEST (Europe/Brussels)\n  Where: Online\n" +
                                           $"  Organizers: {HostileOrganizer}, La Strada International\n  Details: http://localhost/events/{_webinar}\n"));
            Assert.That(text, Does.Contain("Where: <img src=x onerror=alert(2)>, Austria"));
            Assert.That(text, Does.Contain("When: Mon 2 Apr – Tue 3 Apr 2035 (all day)"));
        });
    }

    [Test]
    public async Task The_filters_apply_and_name_the_newsletter()
    {
        var text = await (await GetAsync($"{Period}&kind=conference&format=text")).Content.ReadAsStringAsync();
        Assert.That(text, Does.StartWith("Anti-trafficking events — conferences: "));
        Assert.That(text, Does.Contain("Alliance conference").And.Not.Contain("Expert meeting"));
    }

    [TestCase("group=week", "group")]
    [TestCase("format=pdf", "format")]
    [TestCase("language=--", "language")]
    [TestCase("from=yesterday", "from")]
    [TestCase("cursor=abc", "cursor")]
    public async Task A_malformed_parameter_is_a_problem_naming_it(string query, string name)
    {
        var response = await App.Anonymous().GetAsync($"/newsletter?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.JsonAsync()).GetProperty("errors").TryGetProperty(name, out _), Is.True);
    }
}
