using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Calendar.Core.Events;
using Calendar.Core.Import;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;

namespace Calendar.Tests.Import;

/// <summary>
/// Real exports taken byte for byte from other iCalendar libraries' test fixtures (corpus/manifest.json names each
/// file's origin, commit and licence), plus hand-made files for what they lack. Every occurrence the reader
/// produces, once the stored model expands it, must start where Mozilla's ical.js says the file means: ical.js
/// resolves times with the file's own VTIMEZONEs; a TZID no VTIMEZONE defines is resolved here from the IANA
/// database or the CLDR Windows-zone table (or, for an Outlook display name, the zone the manifest names).
/// </summary>
public sealed class CorpusTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private static readonly FeedReadOptions Options = new(null, Now, TimeSpan.FromDays(365 * 30), TimeSpan.FromDays(365 * 3));
    private static readonly Instant WindowStart = Instant.FromDateTimeUtc(Now - Options.HorizonPast);
    private static readonly Instant WindowEnd = Instant.FromDateTimeUtc(Now + Options.HorizonFuture);
    private const int Compared = 200;

    private static string CorpusDirectory => Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Tests", "Import", "corpus");

    /// <summary>A manifest entry. <c>Zones</c> names the IANA zone a person reads in a TZID the file does not define
    /// and neither the IANA nor the CLDR table knows (an Outlook display name); <c>Skips</c> names events the reader
    /// must skip and a word of the reason; <c>Expect</c> gives, with <c>Why</c>, the starts of events ical.js cannot
    /// read or reads against the file's evident meaning; <c>Corrections</c> replace single ical.js starts likewise.</summary>
    public sealed record Entry(string File, string Producer, string? Repo, string? Path, string? Commit, string Licence,
        Dictionary<string, string>? Zones, Dictionary<string, string>? Skips, Dictionary<string, List<string>>? Expect,
        List<Correction>? Corrections, Dictionary<string, string>? Unchecked, string? Why);

    public sealed record Correction(string Uid, string From, string To);

    private static List<Entry> Manifest() =>
        JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(System.IO.Path.Combine(CorpusDirectory, "manifest.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static IEnumerable<TestCaseData> Files() =>
        Manifest().Select(e => new TestCaseData(e.File).SetName($"Every occurrence of {e.File} ({e.Producer}) starts where ical.js reads it"));

    [Test]
    public void Every_corpus_file_is_in_the_manifest_with_its_origin_and_licence()
    {
        var manifest = Manifest();
        var files = Directory.GetFiles(CorpusDirectory, "*.ics").Select(System.IO.Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Select(e => e.File), Is.EquivalentTo(files));
            foreach (var e in manifest)
            {
                Assert.That(e.Licence, Is.Not.Empty, e.File);
                if (e.Repo is not null) Assert.That(e.Commit, Does.Match("^[0-9a-f]{40}$"), e.File);
                else Assert.That(e.Licence, Does.Contain("this project"), $"{e.File} is hand-made and says so");
            }
        });
    }

    [TestCaseSource(nameof(Files))]
    public async Task Corpus_file(string file)
    {
        var entry = Manifest().Single(e => e.File == file);
        var bytes = await File.ReadAllBytesAsync(System.IO.Path.Combine(CorpusDirectory, file));
        var result = IcsFeedReader.Read(bytes, Options);
        var text = Utf8(bytes);
        var expected = Expected(await IcalJsAsync(text), text, entry.Zones ?? []);
        foreach (var (uid, starts) in entry.Expect ?? []) expected[uid] = starts;
        foreach (var c in entry.Corrections ?? [])
        {
            var list = expected[c.Uid];
            list[list.IndexOf(c.From)] = c.To;
        }
        Assert.That(entry.Expect is null && entry.Corrections is null || entry.Why is not null, Is.True, "a departure from ical.js says why");
        var failures = expected.Where(kv => kv.Value.Contains("error")).Select(kv => kv.Key).ToList();

        var ours = new Dictionary<string, List<string>>();
        foreach (var e in result.Events)
        {
            var id = e.Uid ?? e.Input.Title!;
            if (!ours.TryGetValue(id, out var list)) ours[id] = list = [];
            list.AddRange(Starts(e));
        }
        var skipped = result.Skipped.Where(s => s.Uid is not null).GroupBy(s => s.Uid!).ToDictionary(g => g.Key, g => g.First().Reason);
        TestContext.Out.WriteLine($"{file}: {result.Events.Count} events, {result.Skipped.Count} skipped; notes: {string.Join(" | ", result.Notes)}");
        foreach (var s in result.Skipped) TestContext.Out.WriteLine($"  skipped {s.Uid}: {s.Reason}");

        Assert.Multiple(() =>
        {
            foreach (var id in failures.Where(f => !(entry.Unchecked ?? []).ContainsKey(f)))
                Assert.That(ours.ContainsKey(id), Is.False,
                    $"ical.js cannot read {id}; give its starts in the manifest (the reader says {string.Join(", ", ours.GetValueOrDefault(id, []).Take(40))})");
            foreach (var (id, starts) in expected.Where(kv => !failures.Contains(kv.Key) && !(entry.Unchecked ?? []).ContainsKey(kv.Key)))
            {
                var skips = entry.Skips ?? [];
                if (skipped.TryGetValue(id, out var reason) && !ours.ContainsKey(id))
                {
                    if (starts.All(s => s.StartsWith("unresolved", StringComparison.Ordinal))) continue;
                    Assert.That(skips.ContainsKey(id) && reason.Contains(skips[id], StringComparison.OrdinalIgnoreCase), Is.True,
                        $"{id} was skipped ({reason}) though ical.js reads it as {string.Join(", ", starts.Take(3))}");
                    continue;
                }
                Assert.That(starts.Where(s => s.StartsWith("unresolved", StringComparison.Ordinal)), Is.Empty,
                    $"{id}: the test cannot tell what its TZID means; name the zone in the manifest");
                var ourStarts = ours.GetValueOrDefault(id, []).Order(StringComparer.Ordinal).ToList();
                var theirs = starts.Order(StringComparer.Ordinal).ToList();
                if (theirs.Count >= Compared) ourStarts = ourStarts.Where(s => string.CompareOrdinal(s, theirs[^1]) <= 0).ToList();
                Assert.That(ourStarts, Is.EqualTo(theirs), $"starts of {id}");
            }
            foreach (var id in ours.Keys.Where(k => !expected.ContainsKey(k)))
                Assert.Fail($"{id} was imported but ical.js sees no occurrence of it in the window");
            foreach (var e in result.Events) Assert.That(e.Input.Title, Is.Not.Empty, e.Key);
            Assert.That(result.Events.Select(e => e.Key), Is.Unique);
        });
    }

    internal static string Utf8(byte[] bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    /// <summary>The starts the stored model publishes for one imported item within the window: an RRULE kept as a
    /// series is expanded by the same code the feeds and the JSON API use.</summary>
    private static IEnumerable<string> Starts(ImportedEvent e)
    {
        var input = e.Input;
        if (input.AllDay == true)
        {
            var first = LocalDate.FromDateOnly(InputParsing.Date(input.StartsOn)!.Value);
            if (input.Recurrence is null) return [Date(first)];
            return Recurrence.LocalStarts(input.Recurrence, first.AtMidnight(), true, null, WindowStart.InUtc().LocalDateTime)
                .TakeWhile(l => l.Date <= WindowEnd.InUtc().Date).Take(Compared).Select(l => Date(l.Date)).ToList();
        }
        var zone = TimeZones.Find(input.TimeZone)!;
        var local = InputParsing.LocalDateTime(input.StartsAt)!.Value;
        if (input.Recurrence is null) return [Utc(TimeZones.ToInstant(local, zone)!.Value)];
        return Recurrence.LocalStarts(input.Recurrence, local, false, zone, WindowStart.InZone(zone).LocalDateTime)
            .Select(l => TimeZones.ToInstantLenient(l, zone))
            .TakeWhile(i => i <= WindowEnd).Where(i => i >= WindowStart).Take(Compared).Select(Utc).ToList();
    }

    private static string Date(LocalDate d) => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
    private static string Utc(Instant i) => InstantPattern.General.Format(i);

    /// <summary>ical.js's occurrences per UID (or title, for events without one), as sortable start keys.</summary>
    private static Dictionary<string, List<string>> Expected(JsonElement occurrences, string text, Dictionary<string, string> zones)
    {
        var floating = Regex.Match(text, @"^X-WR-TIMEZONE[^:\r\n]*:(.+?)\r?$", RegexOptions.Multiline) is { Success: true } m
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(m.Groups[1].Value.Trim()) : null;
        var result = new Dictionary<string, List<string>>();
        foreach (var o in occurrences.EnumerateArray())
        {
            var kind = o.GetProperty("kind").GetString();
            var id = o.GetProperty("uid").GetString() ?? o.GetProperty("summary").GetString()!.Trim();
            if (kind == "error")
            {
                TestContext.Out.WriteLine($"  ical.js cannot read {id}: {o.GetProperty("error").GetString()}");
                result[id] = ["error"];
                continue;
            }
            var start = Key(o.GetProperty("start"), floating, zones);
            if (kind is "occurrence" or "override" && !InWindow(start)) continue;
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(start);
        }
        return result;
    }

    private static bool InWindow(string key) =>
        key.StartsWith("unresolved", StringComparison.Ordinal)
        || (key.Length == 10
            ? string.CompareOrdinal(key, Date(WindowStart.InUtc().Date)) >= 0 && string.CompareOrdinal(key, Date(WindowEnd.InUtc().Date)) <= 0
            : InstantPattern.General.Parse(key).Value is var i && i >= WindowStart && i <= WindowEnd);

    private static string Key(JsonElement moment, DateTimeZone? floating, Dictionary<string, string> zones)
    {
        if (moment.TryGetProperty("date", out var date)) return date.GetString()!;
        if (moment.TryGetProperty("utc", out var utc))
            return Utc(Instant.FromDateTimeUtc(DateTime.Parse(utc.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)));
        var local = LocalDateTimePattern.ExtendedIso.Parse(moment.GetProperty("local").GetString()!).Value;
        var tzid = moment.GetProperty("tzid").GetString();
        DateTimeZone? zone;
        if (tzid is null) zone = floating ?? DateTimeZone.Utc;
        else if (zones.TryGetValue(tzid, out var named)) zone = DateTimeZoneProviders.Tzdb[named];
        else zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid)
                    ?? (TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(tzid, out var iana) ? DateTimeZoneProviders.Tzdb[iana] : null);
        return zone is null ? $"unresolved {tzid}" : Utc(zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant());
    }

    internal static Task<JsonElement> IcalJsAsync(string text) =>
        Feeds.Parsers.RunIcalJsAsync(Encoding.UTF8.GetBytes(text), "expand.mjs", Utc(WindowStart), Utc(WindowEnd),
            Compared.ToString(CultureInfo.InvariantCulture));
}
