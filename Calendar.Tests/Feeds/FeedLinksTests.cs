using System.Web;
using Calendar.Api.Hosting;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using Microsoft.AspNetCore.Http;

namespace Calendar.Tests.Feeds;

public sealed class FeedLinksTests
{
    private static readonly Uri Base = new("https://calendar.example.org/");

    private static EventFilter Filter(string query)
    {
        var parsed = EventFilter.Parse(new QueryCollection(QueryHelpers(query)));
        Assert.That(parsed.IsValid, Is.True, string.Join("; ", parsed.Errors.Select(e => e.Key)));
        return parsed.Filter!;
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> QueryHelpers(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);

    private static Event Webinar(string title = "Webinar: A & B", string description = "Line one.\nLine two.") => new()
    {
        Id = Guid.Parse("6f1c0c1e-0000-4000-8000-000000000001"), Title = title, Description = description, Kind = "webinar",
        Status = "confirmed", AllDay = false, StartsLocal = new DateTime(2030, 5, 6, 14, 0, 0), EndsLocal = new DateTime(2030, 5, 6, 15, 30, 0),
        TimeZone = "Europe/Brussels", StartsAt = new DateTime(2030, 5, 6, 12, 0, 0, DateTimeKind.Utc),
        EndsAt = new DateTime(2030, 5, 6, 13, 30, 0, DateTimeKind.Utc), Online = true, JoinUrl = "https://meet.example.org/abc?x=1&y=2",
    };

    private static Event Conference() => new()
    {
        Id = Guid.Parse("6f1c0c1e-0000-4000-8000-000000000002"), Title = "Alliance conference", Description = "", Kind = "conference",
        Status = "confirmed", AllDay = true, StartsOn = new DateOnly(2030, 6, 10), EndsOn = new DateOnly(2030, 6, 12),
        StartsAt = new DateTime(2030, 6, 10, 0, 0, 0, DateTimeKind.Utc), EndsAt = new DateTime(2030, 6, 13, 0, 0, 0, DateTimeKind.Utc),
        Venue = "Hofburg", City = "Vienna", Country = "AT",
    };

    private static Event WorldDay() => new()
    {
        Id = Guid.Parse("6f1c0c1e-0000-4000-8000-000000000003"), Title = "World Day against Trafficking in Persons", Description = "",
        Kind = "world-day", Status = "confirmed", AllDay = true, StartsOn = new DateOnly(2016, 7, 30), EndsOn = new DateOnly(2016, 7, 30),
        StartsAt = new DateTime(2016, 7, 30, 0, 0, 0, DateTimeKind.Utc), EndsAt = new DateTime(2016, 7, 31, 0, 0, 0, DateTimeKind.Utc),
        Recurrence = "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30",
    };

    private static string Param(string url, string name) => HttpUtility.ParseQueryString(new Uri(url).Query)[name]!;

    [Test]
    public void Filter_links_are_encoded_as_ASP_NET_Core_encodes_a_query_so_published_feed_URLs_stay_the_same()
    {
        // Calendar.Core builds query strings without ASP.NET Core; stored named-feed filters and subscribed URLs must not change.
        var filter = Filter("?q=Tr%C3%A4ff%20%26%20%2B%25%3D%3F%2F%23%20%E2%80%9Cquoted%E2%80%9D&organizer=La%20Strada%20%2F%20Ost+West&tag=a-b"
                            + "&from=2030-05-04T10:15:00%2B02:00&to=2030-06-01&language=fr-BE&country=be&online=false");
        var extra = new KeyValuePair<string, string>("cursor", "abc+/=");
        var expected = QueryString.Create(filter.ToQuery().Append(extra).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Value;
        Assert.That(filter.ToQueryString(extra), Is.EqualTo(expected));
        Assert.That(new EventFilter().ToQueryString(), Is.EqualTo(""));
        Assert.That(EventFilter.Parse(filter.CanonicalQuery()).Filter!.CanonicalQuery(), Is.EqualTo(filter.CanonicalQuery()), "a stored filter reads back as itself");
    }

    [Test]
    public void The_feed_URL_carries_the_filter_and_is_absolute_on_the_public_base()
    {
        var links = FeedLinks.ForFilter(Base, Filter("?tag=migration&kind=webinar&online=true&utm_source=x"));
        Assert.Multiple(() =>
        {
            Assert.That(links.Https, Is.EqualTo("https://calendar.example.org/feeds/events.ics?kind=webinar&tag=migration&online=true"));
            Assert.That(links.Webcal, Is.EqualTo("webcal://calendar.example.org/feeds/events.ics?kind=webinar&tag=migration&online=true"));
            Assert.That(links.Name, Is.EqualTo(FeedTitle.For(Filter("?kind=webinar&tag=migration&online=true"))));
        });
    }

    [Test]
    public void An_empty_filter_subscribes_to_the_whole_calendar()
    {
        var links = FeedLinks.ForFilter(new Uri("http://127.0.0.1:5080"), new EventFilter());
        Assert.That(links.Https, Is.EqualTo("http://127.0.0.1:5080/feeds/events.ics"));
        Assert.That(links.Webcal, Is.EqualTo("webcal://127.0.0.1:5080/feeds/events.ics"));
    }

    [Test]
    public void Google_and_Outlook_links_carry_the_encoded_https_URL_and_the_feed_name()
    {
        var links = FeedLinks.ForFilter(Base, Filter("?q=forced labour&country=be"));
        Assert.Multiple(() =>
        {
            Assert.That(links.Google, Does.StartWith("https://calendar.google.com/calendar/r?cid="));
            Assert.That(Param(links.Google, "cid"), Is.EqualTo(links.Https));
            Assert.That(links.OutlookWork, Does.StartWith("https://outlook.office.com/calendar/0/addfromweb?url="));
            Assert.That(links.OutlookPersonal, Does.StartWith("https://outlook.live.com/calendar/0/addfromweb?url="));
            Assert.That(Param(links.OutlookWork, "url"), Is.EqualTo(links.Https));
            Assert.That(Param(links.OutlookPersonal, "name"), Is.EqualTo("Anti-trafficking events — Belgium, “forced labour”"));
            Assert.That(links.Https, Does.Contain("q=forced%20labour"), "a space in the query is percent-encoded");
        });
    }

    [Test]
    public void Typical_filters_give_subscription_URLs_under_Googles_256_character_limit()
    {
        var filter = Filter("?kind=webinar&kind=training&tag=labour-exploitation&tag=child-trafficking&tag=migration"
                            + "&organizer=La Strada International&country=NL&online=true&q=domestic work");
        var links = FeedLinks.ForFilter(new Uri("https://events.antitrafficking-network.example.eu/"), filter);
        Assert.That(links.Https.Length, Is.LessThan(256), links.Https);
        Assert.That(links.FitsGoogle, Is.True);
    }

    [Test]
    public void A_filter_too_long_for_Google_is_flagged()
    {
        var links = FeedLinks.ForFilter(Base, Filter("?q=" + string.Join(' ', Enumerable.Repeat("trafficking", 16))));
        Assert.That(links.Https.Length, Is.GreaterThanOrEqualTo(256));
        Assert.That(links.FitsGoogle, Is.False);
    }

    [Test]
    public void A_filter_of_dates_only_is_described_like_the_whole_calendar()
    {
        var filter = Filter("?from=2030-05-01&to=2030-06-01");
        Assert.That(FeedTitle.For(filter), Is.EqualTo(FeedTitle.Base));
        Assert.That(FeedTitle.Describe(filter), Is.EqualTo(FeedTitle.Describe(new EventFilter())));
    }

    [Test]
    public void A_named_feed_links_to_its_slug()
    {
        var links = FeedLinks.ForNamedFeed(Base, "osce", "OSCE meetings");
        Assert.That(links.Https, Is.EqualTo("https://calendar.example.org/feeds/osce.ics"));
        Assert.That(Param(links.OutlookWork, "name"), Is.EqualTo("OSCE meetings"));
    }

    [Test]
    public void The_base_comes_from_PublicBaseUrl_when_set_and_from_the_request_otherwise()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 5080);
        context.Request.PathBase = "/calendar";
        Assert.That(PublicBase.Uri(null, context.Request).AbsoluteUri, Is.EqualTo("http://127.0.0.1:5080/calendar/"));
        Assert.That(PublicBase.Uri("https://cal.example.org", context.Request).AbsoluteUri, Is.EqualTo("https://cal.example.org/"));
        Assert.That(FeedLinks.ForFilter(PublicBase.Uri(null, context.Request), new EventFilter()).Https,
            Is.EqualTo("http://127.0.0.1:5080/calendar/feeds/events.ics"));
    }

    [Test]
    public void A_timed_event_goes_to_Google_in_UTC_with_details_location_and_page_link()
    {
        var links = FeedLinks.ForEvent(Base, Webinar());
        Assert.Multiple(() =>
        {
            Assert.That(links.Ics, Is.EqualTo("https://calendar.example.org/events/6f1c0c1e-0000-4000-8000-000000000001.ics"));
            Assert.That(links.Google, Does.StartWith("https://calendar.google.com/calendar/render?action=TEMPLATE&"));
            Assert.That(Param(links.Google, "text"), Is.EqualTo("Webinar: A & B"));
            Assert.That(Param(links.Google, "dates"), Is.EqualTo("20300506T120000Z/20300506T133000Z"));
            Assert.That(Param(links.Google, "location"), Is.EqualTo("https://meet.example.org/abc?x=1&y=2"));
            Assert.That(Param(links.Google, "details"), Does.StartWith("Join online: https://meet.example.org/abc?x=1&y=2\n\nLine one.\nLine two."));
            Assert.That(Param(links.Google, "details"),
                Does.EndWith("https://calendar.example.org/events/6f1c0c1e-0000-4000-8000-000000000001"));
            Assert.That(new Uri(links.Google).Query, Does.Not.Contain("ctz"));
            Assert.That(new Uri(links.Google).Query, Does.Not.Contain("recur"));
        });
    }

    [Test]
    public void An_all_day_event_goes_to_Google_as_dates_with_an_exclusive_end()
    {
        var links = FeedLinks.ForEvent(Base, Conference());
        Assert.That(Param(links.Google, "dates"), Is.EqualTo("20300610/20300613"));
        Assert.That(Param(links.Google, "location"), Is.EqualTo("Hofburg, Vienna, AT"));
        Assert.That(new Uri(links.Google).Query, Does.Not.Contain("ctz"));
    }

    [Test]
    public void A_world_day_goes_to_Google_with_its_yearly_rule_and_as_free_time()
    {
        var links = FeedLinks.ForEvent(Base, WorldDay());
        Assert.That(Param(links.Google, "recur"), Is.EqualTo("RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30"));
        Assert.That(Param(links.Google, "dates"), Is.EqualTo("20160730/20160731"));
        Assert.That(Param(links.Google, "crm"), Is.EqualTo("AVAILABLE"));
    }

    [Test]
    public void A_timed_series_goes_to_Google_in_its_own_zone_so_it_keeps_its_wall_clock_time()
    {
        var weekly = Webinar();
        weekly = new Event
        {
            Id = weekly.Id, Title = weekly.Title, Description = "", Kind = "training", Status = "confirmed", AllDay = false,
            StartsLocal = weekly.StartsLocal, EndsLocal = weekly.EndsLocal, TimeZone = weekly.TimeZone, StartsAt = weekly.StartsAt,
            EndsAt = weekly.EndsAt, Recurrence = "FREQ=WEEKLY;COUNT=6",
        };
        var links = FeedLinks.ForEvent(Base, weekly);
        Assert.That(Param(links.Google, "dates"), Is.EqualTo("20300506T140000/20300506T153000"));
        Assert.That(Param(links.Google, "ctz"), Is.EqualTo("Europe/Brussels"));
        Assert.That(Param(links.Google, "recur"), Is.EqualTo("RRULE:FREQ=WEEKLY;COUNT=6"));
    }

    [Test]
    public void Long_descriptions_are_cut_to_about_a_thousand_characters_and_keep_the_page_link()
    {
        var links = FeedLinks.ForEvent(Base, Webinar(description: string.Concat(Enumerable.Repeat("Trafficking prevention ", 400))));
        var details = Param(links.Google, "details");
        Assert.That(details.Length, Is.LessThan(1200));
        Assert.That(details, Does.Contain("…"));
        Assert.That(details, Does.EndWith("/events/6f1c0c1e-0000-4000-8000-000000000001"));
    }

    [Test]
    public void Outlook_compose_links_use_UTC_instants_for_timed_and_dates_for_all_day_events()
    {
        var timed = FeedLinks.ForEvent(Base, Webinar());
        var allDay = FeedLinks.ForEvent(Base, Conference());
        Assert.Multiple(() =>
        {
            Assert.That(timed.OutlookWork, Does.StartWith("https://outlook.office.com/calendar/0/action/compose?rru=addevent&"));
            Assert.That(timed.OutlookPersonal, Does.StartWith("https://outlook.live.com/calendar/0/action/compose?rru=addevent&"));
            Assert.That(Param(timed.OutlookWork, "subject"), Is.EqualTo("Webinar: A & B"));
            Assert.That(Param(timed.OutlookWork, "startdt"), Is.EqualTo("2030-05-06T12:00:00Z"));
            Assert.That(Param(timed.OutlookWork, "enddt"), Is.EqualTo("2030-05-06T13:30:00Z"));
            Assert.That(Param(timed.OutlookWork, "allday"), Is.EqualTo("false"));
            Assert.That(Param(allDay.OutlookWork, "startdt"), Is.EqualTo("2030-06-10"));
            Assert.That(Param(allDay.OutlookWork, "enddt"), Is.EqualTo("2030-06-13"));
            Assert.That(Param(allDay.OutlookWork, "allday"), Is.EqualTo("true"));
            Assert.That(Param(allDay.OutlookPersonal, "location"), Is.EqualTo("Hofburg, Vienna, AT"));
        });
    }

    [Test]
    public void Hostile_text_cannot_break_out_of_a_link_parameter()
    {
        var links = FeedLinks.ForEvent(Base, Webinar(title: "x&action=EVIL\"><script>alert(1)</script>#"));
        Assert.Multiple(() =>
        {
            Assert.That(Param(links.Google, "action"), Is.EqualTo("TEMPLATE"));
            Assert.That(Param(links.Google, "text"), Is.EqualTo("x&action=EVIL\"><script>alert(1)</script>#"));
            Assert.That(links.Google, Does.Not.Contain("<").And.Not.Contain("\"").And.Not.Contain("#"));
            Assert.That(links.OutlookWork, Does.Not.Contain("<").And.Not.Contain("\""));
        });
    }
}
