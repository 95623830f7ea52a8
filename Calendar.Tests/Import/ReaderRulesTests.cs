using System.Text;
using Calendar.Core.Events;
using Calendar.Core.Import;
using NodaTime;
using static Calendar.Tests.Import.IcsFeedReaderTests;

namespace Calendar.Tests.Import;

/// <summary>The reader's normalisation rules, each on the hand-made corpus files or a small feed of its own.</summary>
public sealed class ReaderRulesTests
{
    private static FeedReadResult ReadCorpus(string file, string? zone = null) =>
        IcsFeedReader.Read(File.ReadAllBytes(Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Tests", "Import", "corpus", file)), Options(zone));

    private static string Vevent(string body) => Feed("BEGIN:VEVENT\r\n" + body.Trim().Replace("\r\n", "\n").Replace("\n", "\r\n") + "\r\nEND:VEVENT\r\n");

    private static Instant InstantOf(EventInput input) =>
        TimeZones.ToInstant(InputParsing.LocalDateTime(input.StartsAt)!.Value, TimeZones.Find(input.TimeZone)!)!.Value;

    [Test]
    public void An_Outlook_display_name_defined_by_its_VTIMEZONE_is_stored_as_the_IANA_zone_of_its_first_city()
    {
        var e = ReadCorpus("handmade__outlook-display-name-vtimezone.ics").Events.Single(x => x.Input.Title!.StartsWith("OSCE"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Input.TimeZone, Is.EqualTo("Europe/Amsterdam"));
            Assert.That((e.Input.StartsAt, e.Input.EndsAt), Is.EqualTo(("2027-06-15T09:00", "2027-06-15T17:00")));
            Assert.That(e.Input.Location!.Venue, Is.EqualTo("Hofburg, Heldenplatz, Vienna"));
            Assert.That(e.Input.Location.Country, Is.EqualTo("AT"));
            Assert.That(e.Input.Description, Is.EqualTo("Expert meeting on the identification of victims."));
        });
    }

    [Test]
    public void An_Outlook_display_name_without_a_VTIMEZONE_is_matched_by_its_cities_and_offset()
    {
        var e = Only(Read(Vevent("""
            UID:owa
            SUMMARY:Sydney call
            DTSTART;TZID="(UTC+10:00) Canberra, Melbourne, Sydney":20270105T133000
            DTEND;TZID="(UTC+10:00) Canberra, Melbourne, Sydney":20270105T150000
            """)));
        Assert.That(InstantOf(e.Input), Is.EqualTo(Instant.FromUtc(2027, 1, 5, 2, 30)), "13:30 in Sydney's summer (+11:00)");
        Assert.That(DateTimeZoneProviders.Tzdb[e.Input.TimeZone!].GetUtcOffset(Instant.FromUtc(2027, 7, 1, 0, 0)), Is.EqualTo(Offset.FromHours(10)));
    }

    [Test]
    public void A_Windows_zone_name_without_a_VTIMEZONE_is_mapped_with_the_CLDR_table()
    {
        var e = ReadCorpus("handmade__custom-and-undefined-tzids.ics").Events.Single(x => x.Uid == "windows-no-vtimezone@partner.example");
        Assert.That((e.Input.TimeZone, e.Input.StartsAt), Is.EqualTo(("Europe/Paris", "2027-09-22T09:30")));
    }

    [Test]
    public void A_custom_VTIMEZONE_gives_the_instant_and_is_stored_in_a_zone_that_changes_clocks_at_the_same_moments()
    {
        var result = ReadCorpus("handmade__custom-and-undefined-tzids.ics");
        var single = result.Events.Single(x => x.Uid == "custom-zone-1@partner.example");
        var zone = DateTimeZoneProviders.Tzdb[single.Input.TimeZone!];
        var springChange = Instant.FromUtc(2027, 3, 28, 1, 0);
        Assert.Multiple(() =>
        {
            Assert.That(single.Input.StartsAt, Is.EqualTo("2027-06-14T10:00"), "the wall clock of the file");
            Assert.That(InstantOf(single.Input), Is.EqualTo(Instant.FromUtc(2027, 6, 14, 7, 0)));
            Assert.That(zone.GetUtcOffset(springChange - Duration.FromSeconds(1)), Is.EqualTo(Offset.FromHours(2)));
            Assert.That(zone.GetUtcOffset(springChange), Is.EqualTo(Offset.FromHours(3)));
            Assert.That(result.Notes, Has.Some.Contains("Custom Zone 1"));
        });
        var series = result.Events.Single(x => x.Uid == "custom-zone-2@partner.example");
        Assert.That((series.Input.Recurrence, series.Input.TimeZone), Is.EqualTo(("FREQ=WEEKLY;COUNT=30", single.Input.TimeZone)),
            "a series in a zone that matches through the year stays one series");
    }

    [Test]
    public void A_VTIMEZONE_no_IANA_zone_follows_gives_the_instant_and_is_stored_in_UTC()
    {
        // Clocks change at 00:00 UTC, an hour before the EU does: no IANA zone agrees through the year.
        var result = Read(Feed("""
            BEGIN:VTIMEZONE
            TZID:Invented
            BEGIN:STANDARD
            DTSTART:19701025T030000
            RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
            TZOFFSETFROM:+0300
            TZOFFSETTO:+0200
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:19700329T020000
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
            TZOFFSETFROM:+0200
            TZOFFSETTO:+0300
            END:DAYLIGHT
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:inv
            SUMMARY:Invented zone
            DTSTART;TZID=Invented:20270614T100000
            DTEND;TZID=Invented:20270614T110000
            END:VEVENT

            """.Replace("\n", "\r\n")));
        Assert.That((Only(result).Input.TimeZone, Only(result).Input.StartsAt), Is.EqualTo(("UTC", "2027-06-14T07:00")));
    }

    [Test]
    public void A_one_offset_VTIMEZONE_stub_for_an_IANA_zone_with_summer_time_yields_to_the_IANA_zone_with_a_note()
    {
        var result = Read(Feed("""
            BEGIN:VTIMEZONE
            TZID:Europe/Berlin
            BEGIN:STANDARD
            DTSTART:19700101T000000
            TZOFFSETFROM:+0100
            TZOFFSETTO:+0100
            END:STANDARD
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:stub
            SUMMARY:Summer meeting
            DTSTART;TZID=Europe/Berlin:20270614T100000
            DTEND;TZID=Europe/Berlin:20270614T110000
            END:VEVENT

            """.Replace("\n", "\r\n")));
        Assert.That(InstantOf(Only(result).Input), Is.EqualTo(Instant.FromUtc(2027, 6, 14, 8, 0)));
        Assert.That(result.Notes, Has.Some.Contains("no daylight-saving time"));
    }

    [Test]
    public void A_TZID_nothing_defines_skips_its_event_with_a_reason_and_the_others_import()
    {
        var result = ReadCorpus("handmade__custom-and-undefined-tzids.ics");
        Assert.Multiple(() =>
        {
            Assert.That(result.Skipped.Single().Uid, Is.EqualTo("undefined-tzid@partner.example"));
            Assert.That(result.Skipped.Single().Reason, Does.Contain("Mitteleuropa"));
            Assert.That(result.Events.Select(e => e.Uid), Does.Contain("quoted-iana@partner.example"));
            Assert.That(result.Events.Single(e => e.Uid == "quoted-iana@partner.example").Input.TimeZone, Is.EqualTo("Europe/Vilnius"));
        });
    }

    [Test]
    public void Floating_times_are_read_in_the_calendars_X_WR_TIMEZONE_with_a_note()
    {
        var result = ReadCorpus("handmade__google-floating-x-wr-timezone.ics", zone: "Europe/Lisbon");
        var e = result.Events.Single(x => x.Uid == "floating-2@partners.example");
        Assert.That((e.Input.TimeZone, e.Input.StartsAt), Is.EqualTo(("Europe/Warsaw", "2027-03-31T09:00")));
        Assert.That(result.Notes, Has.Some.Contains("X-WR-TIMEZONE"));
    }

    [TestCase("Europe/Lisbon", "Europe/Lisbon", "source's time zone")]
    [TestCase(null, "UTC", "UTC")]
    public void Floating_times_without_X_WR_TIMEZONE_use_the_sources_zone_else_UTC_with_a_note(string? sourceZone, string stored, string note)
    {
        var result = Read(Vevent("UID:f\nSUMMARY:Floating\nDTSTART:20270310T100000\nDTEND:20270310T110000"), sourceZone);
        Assert.That((Only(result).Input.TimeZone, Only(result).Input.StartsAt), Is.EqualTo((stored, "2027-03-10T10:00")));
        Assert.That(result.Notes, Has.Some.Contains(note));
    }

    [Test]
    public void DURATION_instead_of_DTEND_gives_the_end()
    {
        var result = ReadCorpus("handmade__google-floating-x-wr-timezone.ics");
        var e = result.Events.Single(x => x.Uid == "floating-1@partners.example");
        Assert.That((e.Input.StartsAt, e.Input.EndsAt), Is.EqualTo(("2027-03-25T18:00", "2027-03-25T20:00")));
        var allDay = Only(Read(Vevent("UID:d\nSUMMARY:Three days\nDTSTART;VALUE=DATE:20270512\nDURATION:P3D")));
        Assert.That((allDay.Input.StartsOn, allDay.Input.EndsOn), Is.EqualTo(("2027-05-12", "2027-05-14")));
    }

    [Test]
    public void A_yearly_all_day_series_without_exceptions_stays_one_series()
    {
        var e = ReadCorpus("handmade__google-floating-x-wr-timezone.ics").Events.Single(x => x.Uid == "floating-3@partners.example");
        Assert.Multiple(() =>
        {
            Assert.That(e.Key, Is.EqualTo("floating-3@partners.example"));
            Assert.That(e.RecurrenceId, Is.Null);
            Assert.That((e.Input.AllDay, e.Input.StartsOn, e.Input.EndsOn, e.Input.Recurrence), Is.EqualTo((true, "2027-07-30", "2027-07-30", "FREQ=YEARLY")));
        });
    }

    [Test]
    public void A_series_with_EXDATEs_and_an_override_is_expanded_into_the_sources_occurrences_keyed_by_RECURRENCE_ID()
    {
        var items = ReadCorpus("handmade__google-floating-x-wr-timezone.ics").Events.Where(x => x.Uid == "floating-5@partners.example")
            .OrderBy(x => x.Input.StartsAt, StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(x => x.Input.StartsAt), Is.EqualTo(new[]
            {
                "2027-01-04T08:30", "2027-01-11T08:30", "2027-01-26T08:30", "2027-02-08T08:30",
                "2027-02-15T08:30", "2027-02-22T08:30", "2027-03-01T08:30", "2027-03-08T08:30",
            }), "COUNT=10 Mondays less two EXDATEs, 25 January moved to the 26th");
            Assert.That(items.All(x => x.Input.Recurrence is null && x.Input.TimeZone == "Europe/Warsaw"), Is.True);
            var moved = items.Single(x => x.Input.StartsAt == "2027-01-26T08:30");
            Assert.That(moved.Input.Title, Is.EqualTo("Weekly helpline shift briefing (Tuesday this week)"));
            Assert.That(moved.RecurrenceId, Is.EqualTo("20270125T073000Z"));
            Assert.That(moved.Key, Is.EqualTo("floating-5@partners.example|20270125T073000Z"));
            Assert.That(items.Select(x => x.Key), Is.Unique);
        });
    }

    [Test]
    public void An_Office_365_series_keeps_its_moved_and_cancelled_occurrences_and_its_Teams_link()
    {
        var items = ReadCorpus("handmade__office365-teams-series.ics").Events.Where(x => x.Input.Title!.Contains("coordination call"))
            .OrderBy(x => x.RecurrenceId, StringComparer.Ordinal).ToList();
        const string teams = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ5ZDc0YjEtYmQ2Zi00ZDU1LTk1NzItNDk0OTBmNDVkZTQ3%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%7d";
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(x => x.RecurrenceId), Is.EqualTo(new[]
            {
                "20270105T090000Z", "20270202T090000Z", "20270302T090000Z", "20270427T080000Z", "20270525T080000Z", "20270622T080000Z",
            }), "every fourth Tuesday until 29 June, without the EXDATE of 30 March");
            var moved = items.Single(x => x.RecurrenceId == "20270302T090000Z");
            Assert.That((moved.Input.StartsAt, moved.Input.TimeZone, moved.Sequence), Is.EqualTo(("2027-03-03T14:00", "Europe/Berlin", 3)));
            Assert.That(items.Single(x => x.RecurrenceId == "20270427T080000Z").Cancelled, Is.True);
            Assert.That(items.Count(x => x.Cancelled), Is.EqualTo(1));
            var first = items[0];
            Assert.That(first.Input.Online!.JoinUrl, Is.EqualTo(teams));
            Assert.That(first.Input.Location, Is.Null, "\"Microsoft Teams Meeting\" is no place");
            Assert.That(first.Input.Organizers, Is.EqualTo(new[] { "La Strada International" }));
            Assert.That(first.Input.Description, Does.Contain("Microsoft Teams meeting").And.Contain(" " + teams).And.Not.Contain("<https"));
            Assert.That(first.Sequence, Is.EqualTo(2));
        });
    }

    [Test]
    public void A_timed_event_over_several_days_keeps_its_zone_and_a_location_ending_in_an_ISO_code_gives_the_country()
    {
        var e = ReadCorpus("handmade__office365-teams-series.ics").Events.Single(x => x.Input.Title!.StartsWith("Regional"));
        Assert.Multiple(() =>
        {
            Assert.That((e.Input.TimeZone, e.Input.StartsAt, e.Input.EndsAt), Is.EqualTo(("Europe/Bucharest", "2027-03-18T09:30", "2027-03-19T17:00")));
            Assert.That(e.Input.Location!.Venue, Is.EqualTo("Hotel Intercontinental, Bulevardul Nicolae Bălcescu 4, Bucharest"));
            Assert.That(e.Input.Location.Country, Is.EqualTo("RO"));
        });
    }

    [Test]
    public void HTML_descriptions_become_plain_text_with_line_breaks_and_bare_links()
    {
        var e = ReadCorpus("handmade__events-calendar-html.ics").Events.Single(x => x.Uid!.StartsWith("10482"));
        Assert.That(e.Input.Description, Is.EqualTo(
            "Join us for a 90-minute webinar.\n\n- Opening remarks\n- Panel & Q&A\n\nRegister here: registration form (https://network.example/register/10482)\n\n" +
            "Zoom: https://us06web.zoom.us/j/87654321098?pwd=abcDEF123"));
    }

    [Test]
    public void An_Events_Calendar_export_gives_title_link_organizer_and_join_link()
    {
        var result = ReadCorpus("handmade__events-calendar-html.ics");
        var e = result.Events.Single(x => x.Uid!.StartsWith("10482"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Input.Title, Has.Length.EqualTo(200));
            Assert.That(e.Input.Title, Does.StartWith("Webinar: Supporting survivors of trafficking for sexual exploitation – lessons").And.EndWith("…"));
            Assert.That(e.Input.MoreInfoUrl, Is.EqualTo("https://network.example/event/supporting-survivors/"));
            Assert.That(e.Input.Organizers, Is.EqualTo(new[] { "Network Secretariat" }));
            Assert.That(e.Input.Online!.JoinUrl, Is.EqualTo("https://us06web.zoom.us/j/87654321098?pwd=abcDEF123"));
            Assert.That(e.Input.Location, Is.Null, "\"Online\" is no place");
            Assert.That(e.Input.Kind, Is.Null, "the importer applies the source's kind");
            Assert.That(e.Input.Tags, Is.Null, "the importer applies the source's tags");
            var webex = result.Events.Single(x => x.Uid!.StartsWith("10501"));
            Assert.That(webex.Input.Online!.JoinUrl, Is.EqualTo("https://network.webex.com/network/j.php?MTID=m0123456789abcdef0123456789abcdef"));
        });
    }

    [Test]
    public void STATUS_CANCELLED_marks_the_event_cancelled_and_a_country_name_stays_in_the_text()
    {
        var e = ReadCorpus("handmade__events-calendar-html.ics").Events.Single(x => x.Uid!.StartsWith("10490"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Cancelled, Is.True);
            Assert.That((e.Input.StartsOn, e.Input.EndsOn), Is.EqualTo(("2027-05-12", "2027-05-14")));
            Assert.That(e.Input.Location!.Venue, Is.EqualTo("Centro de Congressos, Praça das Indústrias 1, Lisboa, 1300-307, Portugal"));
            Assert.That(e.Input.Location.Country, Is.Null);
        });
    }

    [Test]
    public void Bytes_that_are_not_UTF_8_are_read_as_Windows_1252_with_a_note()
    {
        var result = ReadCorpus("handmade__latin1-lotus-notes.ics");
        var e = result.Events.Single(x => x.Uid!.EndsWith("E30-Lotus_Notes_Generated"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Input.Title, Is.EqualTo("Conférence régionale – traite des êtres humains"));
            Assert.That(e.Input.Description, Is.EqualTo("Séance d’ouverture à 9h30; café offert. Coût : 0 €."));
            Assert.That(e.Input.Organizers, Is.EqualTo(new[] { "Comité d'entraide" }));
            Assert.That(e.Input.Location!.Venue, Is.EqualTo("Genève, Salle des Assemblées"));
            Assert.That(result.Notes, Has.Some.Contains("Windows-1252"));
        });
    }

    [Test]
    public void A_UTF_8_character_split_by_a_fold_survives()
    {
        var head = Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:fold\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Caf");
        var e = Encoding.UTF8.GetBytes("é");
        var tail = Encoding.UTF8.GetBytes(" meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        byte[] bytes = [.. head, e[0], (byte)'\r', (byte)'\n', (byte)' ', e[1], .. tail];
        var result = IcsFeedReader.Read(bytes, Options());
        Assert.That(Only(result).Input.Title, Is.EqualTo("Café meeting"));
        Assert.That(result.Notes, Is.Empty);
    }

    [Test]
    public void A_join_link_in_LOCATION_goes_to_online_and_the_place_stays_empty()
    {
        var e = ReadCorpus("handmade__outlook-display-name-vtimezone.ics").Events.Single(x => x.Input.Title!.StartsWith("Webinar"));
        Assert.That(e.Input.Online!.JoinUrl, Is.EqualTo("https://us02web.zoom.us/j/81234567890?pwd=UmFuZG9tUGFzc3dvcmQ"));
        Assert.That(e.Input.Location, Is.Null);
    }

    [Test]
    public void CONFERENCE_gives_the_join_link()
    {
        var e = ReadCorpus("handmade__google-floating-x-wr-timezone.ics").Events.Single(x => x.Uid == "floating-4@partners.example");
        Assert.That(e.Input.Online!.JoinUrl, Is.EqualTo("https://meet.google.com/abc-defg-hij"));
        Assert.That((e.Input.StartsAt, e.Input.TimeZone), Is.EqualTo(("2027-01-15T11:00", "Europe/Warsaw")), "a UTC time shown in the calendar's zone");
    }

    [TestCase("Slides: https://example.org/slides.pdf and https://aka.ms/JoinTeamsMeeting", null)]
    [TestCase("Join: https://zoom.us/j/123456789.", "https://zoom.us/j/123456789")]
    [TestCase("Meet: https://meet.google.com/abc-defg-hij\nor dial in", "https://meet.google.com/abc-defg-hij")]
    [TestCase("Options <https://teams.microsoft.com/meetingOptions/?organizerId=1>", null)]
    [TestCase("Join: https://teams.microsoft.com/meet/3456789012345?p=AbCdEf", "https://teams.microsoft.com/meet/3456789012345?p=AbCdEf")]
    [TestCase("Webex: https://meetingsemea.webex.com/meet/pr1234567", "https://meetingsemea.webex.com/meet/pr1234567")]
    [TestCase("Join <https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789&data=05%7C01>",
        "https://zoom.us/j/123456789")]
    public void A_join_link_is_taken_only_when_a_meeting_address_is_clearly_there(string description, string? expected) =>
        Assert.That(FeedText.JoinUrl([], [description]), Is.EqualTo(expected));

    [Test]
    public void A_feed_with_classic_Mac_line_ends_is_read()
    {
        var e = Only(Read(Feed("BEGIN:VEVENT\r\nUID:cr\r\nSUMMARY:Old Mac\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n").Replace("\r\n", "\r")));
        Assert.That(e.Input.Title, Is.EqualTo("Old Mac"));
    }

    [Test]
    public void Long_descriptions_are_cut_to_the_validators_limit_with_an_ellipsis()
    {
        var long_ = string.Concat(Enumerable.Repeat("Trafficking in human beings is a serious crime. ", 300));
        var e = Only(Read(Vevent($"UID:l\nSUMMARY:Long\nDTSTART;VALUE=DATE:20270101\nDESCRIPTION:{long_}")));
        Assert.That(e.Input.Description, Has.Length.LessThanOrEqualTo(10_000).And.EndWith("…"));
    }

    [Test]
    public void An_event_without_a_UID_gets_a_key_from_its_start_and_title_that_a_second_reading_gives_again()
    {
        const string body = "SUMMARY:No UID\nDTSTART:20270301T100000Z\nDTEND:20270301T110000Z";
        var first = Only(Read(Vevent(body)));
        var again = Only(Read(Vevent(body)));
        var other = Only(Read(Vevent(body.Replace("No UID", "Another title"))));
        Assert.Multiple(() =>
        {
            Assert.That(first.Uid, Is.Null);
            Assert.That(again.Key, Is.EqualTo(first.Key));
            Assert.That(other.Key, Is.Not.EqualTo(first.Key));
        });
    }

    [Test]
    public void Of_two_VEVENTs_with_one_UID_the_higher_SEQUENCE_is_kept_and_the_other_reported()
    {
        var result = Read(Feed(
            "BEGIN:VEVENT\r\nUID:dup\r\nSEQUENCE:1\r\nSUMMARY:Old\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:dup\r\nSEQUENCE:4\r\nSUMMARY:New\r\nDTSTART;VALUE=DATE:20270102\r\nEND:VEVENT\r\n"));
        Assert.That(result.Events.Single().Input.Title, Is.EqualTo("New"));
        Assert.That(result.Skipped.Single().Reason, Does.Contain("same UID"));
    }

    [Test]
    public void A_broken_VEVENT_is_skipped_with_a_reason_and_the_others_import()
    {
        var result = Read(Feed(
            "BEGIN:VEVENT\r\nUID:bad\r\nSUMMARY:Bad date\r\nDTSTART:20271032T100000Z\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:notitle\r\nDTSTART;VALUE=DATE:20270102\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:good\r\nSUMMARY:Good\r\nDTSTART;VALUE=DATE:20270102\r\nEND:VEVENT\r\n"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Events.Single().Uid, Is.EqualTo("good"));
            Assert.That(result.Skipped.Select(s => s.Uid), Is.EquivalentTo(new[] { "bad", "notitle" }));
            Assert.That(result.Skipped.Single(s => s.Uid == "notitle").Reason, Does.Contain("title"));
        });
    }

    [Test]
    public void A_weekly_UTC_series_in_a_calendar_with_a_daylight_saving_zone_is_stored_in_UTC_so_every_occurrence_keeps_its_instant()
    {
        var e = Only(Read(Feed("BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:Weekly\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=8\r\nEND:VEVENT\r\n",
            header: "X-WR-TIMEZONE:Europe/Vienna\r\n")));
        Assert.That((e.Input.TimeZone, e.Input.StartsAt, e.Input.Recurrence), Is.EqualTo(("UTC", "2027-03-01T09:00", "FREQ=WEEKLY;COUNT=8")));
    }

    [Test]
    public void A_weekly_series_in_an_IANA_zone_stays_one_series_at_its_wall_clock()
    {
        var e = Only(Read(Vevent("UID:s\nSUMMARY:Webinar series\nDTSTART;TZID=Europe/Brussels:20270301T090000\nDTEND;TZID=Europe/Brussels:20270301T100000\nRRULE:FREQ=WEEKLY;UNTIL=20270430T070000Z")));
        Assert.That((e.Input.TimeZone, e.Input.StartsAt, e.Input.Recurrence), Is.EqualTo(("Europe/Brussels", "2027-03-01T09:00", "FREQ=WEEKLY;UNTIL=20270430T070000Z")));
    }

    [Test]
    public void The_second_of_two_repeated_autumn_hours_given_in_UTC_is_stored_where_it_cannot_be_read_as_the_first()
    {
        // 00:30 UTC on 31 October 2027 is the second 02:30 in Vienna.
        var e = Only(Read(Feed("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Night\r\nDTSTART:20271031T003000Z\r\nDTEND:20271031T013000Z\r\nEND:VEVENT\r\n",
            header: "X-WR-TIMEZONE:Europe/Vienna\r\n")));
        Assert.That(InstantOf(e.Input), Is.EqualTo(Instant.FromUtc(2027, 10, 31, 0, 30)));
    }

    [Test]
    public void A_local_time_skipped_by_the_spring_change_means_the_same_time_after_it()
    {
        var e = Only(Read(Vevent("UID:g\nSUMMARY:Gap\nDTSTART;TZID=Europe/Vienna:20270328T023000\nDTEND;TZID=Europe/Vienna:20270328T040000")));
        Assert.That((e.Input.StartsAt, InstantOf(e.Input)), Is.EqualTo(("2027-03-28T03:30", Instant.FromUtc(2027, 3, 28, 1, 30))));
    }

    [Test]
    public void An_EXDATE_at_a_time_the_series_does_not_have_removes_the_one_occurrence_of_its_day_with_a_note()
    {
        var result = Read(Vevent("UID:x\nSUMMARY:Series\nDTSTART:20270104T140000Z\nDTEND:20270104T150000Z\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20270105T060000"));
        Assert.That(result.Events.Select(e => e.Input.StartsAt), Is.EqualTo(new[] { "2027-01-04T14:00", "2027-01-06T14:00" }));
        Assert.That(result.Notes, Has.Some.Contains("EXDATE"));
    }

    [Test]
    public void Attachments_alarms_and_attendees_are_ignored()
    {
        var e = Only(Read(Vevent("UID:att\nSUMMARY:With extras\nDTSTART;VALUE=DATE:20270101\nATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=image/png:iVBORw0KGgo=\nATTENDEE;CN=Someone:mailto:someone@example.org\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM")));
        Assert.That(e.Input.Description, Is.Null);
    }

    [Test]
    public void An_unfolded_description_pasted_over_several_lines_is_kept_whole()
    {
        var e = Only(Read(Vevent("UID:p\nSUMMARY:Pasted\nDTSTART;VALUE=DATE:20270101\nDESCRIPTION:Dear all,\nsee you on Monday.\nJoin: https://zoom.us/j/99887766554")));
        Assert.That(e.Input.Description, Is.EqualTo("Dear all,\nsee you on Monday.\nJoin: https://zoom.us/j/99887766554"));
        Assert.That(e.Input.Online!.JoinUrl, Is.EqualTo("https://zoom.us/j/99887766554"));
    }
}
