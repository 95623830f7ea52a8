using Calendar.Core.Events;
using NodaTime;

namespace Calendar.Tests.Data;

/// <summary>The fast RRULE expansion of the list's hot path, cross-checked against Ical.Net's evaluator.</summary>
public sealed class RuleExpanderTests
{
    private static readonly DateTimeZone Brussels = DateTimeZoneProviders.Tzdb["Europe/Brussels"];
    private static readonly string[] Weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    private static string Rule(Random random, LocalDateTime first, bool allDay)
    {
        var date = first.Date;
        var parts = new List<string>();
        switch (random.Next(8))
        {
            case 0: parts.Add("FREQ=DAILY"); break;
            case 1: parts.Add("FREQ=WEEKLY"); break;
            case 2:
                parts.Add("FREQ=WEEKLY");
                var days = Weekdays.Where(_ => random.Next(3) == 0).Append(Weekdays[(int)date.DayOfWeek - 1]).Distinct();
                parts.Add("BYDAY=" + string.Join(",", days));
                break;
            case 3: parts.Add("FREQ=MONTHLY"); break;
            case 4:
                parts.Add("FREQ=MONTHLY");
                var nth = (date.Day - 1) / 7 + 1;
                parts.Add($"BYDAY={(nth == 5 || random.Next(3) == 0 && date.PlusDays(7).Month != date.Month ? -1 : nth)}{Weekdays[(int)date.DayOfWeek - 1]}");
                break;
            case 5: parts.Add("FREQ=YEARLY"); break;
            case 6: parts.Add($"FREQ=YEARLY;BYMONTH={date.Month};BYMONTHDAY={date.Day}"); break;
            default:
                var n = (date.Day - 1) / 7 + 1;
                parts.Add($"FREQ=YEARLY;BYMONTH={date.Month};BYDAY={(n == 5 ? -1 : n)}{Weekdays[(int)date.DayOfWeek - 1]}");
                break;
        }
        if (random.Next(3) == 0) parts.Add($"INTERVAL={random.Next(2, 5)}");
        switch (random.Next(4))
        {
            case 0: parts.Add($"COUNT={random.Next(1, 60)}"); break;
            case 1:
                var until = first.PlusDays(random.Next(0, 2000));
                parts.Add(allDay ? $"UNTIL={until:yyyyMMdd}"
                    : $"UNTIL={until.InZoneLeniently(Brussels).ToInstant().InUtc().LocalDateTime:yyyyMMdd'T'HHmmss}Z");
                break;
        }
        return string.Join(";", parts);
    }

    [Test]
    public void The_fast_expansion_gives_Ical_Nets_occurrences_for_every_rule_shape_it_takes()
    {
        var random = new Random(20261130);
        int compared = 0, fast = 0;
        while (compared < 600)
        {
            var allDay = random.Next(2) == 0;
            var date = new LocalDate(2000, 1, 1).PlusDays(random.Next(0, 365 * 35));
            var first = allDay ? date.AtMidnight() : date.At(new LocalTime(random.Next(0, 24), random.Next(0, 4) * 15));
            var zone = allDay ? null : Brussels;
            var rule = Rule(random, first, allDay);
            if (Recurrence.Check(rule, first, allDay, zone) is not null) continue;
            compared++;

            var compiled = RuleExpander.Compile(rule, first, allDay, zone);
            if (compiled is null) continue;
            fast++;
            foreach (var from in new LocalDateTime?[] { null, first, first.PlusDays(random.Next(1, 400)), first.PlusDays(random.Next(400, 9000)) })
            {
                var expected = Recurrence.LocalStarts(rule, first, allDay, zone, from).Take(25).ToList();
                var actual = compiled.StartsFrom(from).Take(25).ToList();
                Assert.That(actual, Is.EqualTo(expected), $"{rule} from {first} ({(allDay ? "all day" : "timed")}), window from {from}");
            }
        }
        Assert.That(fast, Is.GreaterThan(compared * 9 / 10), "the generated shapes are the fast path's");
    }

    [TestCase("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30", "2014-07-30", true)]
    [TestCase("FREQ=WEEKLY;COUNT=4", "2030-03-18", true)]
    [TestCase("FREQ=MONTHLY;BYDAY=-1FR", "2030-05-31", true)]
    [TestCase("FREQ=MONTHLY", "2030-01-31", false)]
    [TestCase("FREQ=YEARLY", "2028-02-29", false)]
    [TestCase("FREQ=MONTHLY;BYDAY=MO,TU", "2030-01-07", false)]
    [TestCase("FREQ=YEARLY;BYYEARDAY=100", "2030-04-10", false)]
    public void Rules_outside_the_fast_shapes_are_left_to_Ical_Net(string rule, string start, bool fast)
    {
        var first = LocalDate.FromDateTime(DateTime.Parse(start)).AtMidnight();
        Assert.That(RuleExpander.Compile(rule, first, allDay: true, zone: null) is not null, Is.EqualTo(fast));
        // Either way the list's expansion agrees with Ical.Net.
        Assert.That(RuleExpander.LocalStarts(rule, first, true, null, first.PlusDays(700)).Take(10),
            Is.EqualTo(Recurrence.LocalStarts(rule, first, true, null, first.PlusDays(700)).Take(10)));
    }

    [Test]
    public void A_window_far_in_the_future_ends_the_expansion_without_an_error()
    {
        var first = new LocalDate(2016, 7, 30).AtMidnight();
        var compiled = RuleExpander.Compile("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30", first, true, null)!;
        Assert.That(compiled.StartsFrom(new LocalDateTime(9999, 1, 1, 0, 0)).Take(3), Is.Empty);
        Assert.That(compiled.StartsFrom(new LocalDateTime(2199, 1, 1, 0, 0)).First(), Is.EqualTo(new LocalDateTime(2199, 7, 30, 0, 0)));
    }
}
