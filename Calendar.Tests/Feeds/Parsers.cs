using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Calendar.Tests.Support;
using Ical.Net.CalendarComponents;

namespace Calendar.Tests.Feeds;

/// <summary>What a calendar client sees of one event, in a form both parsers can be compared on.
/// Starts are "yyyy-MM-dd" for all-day events and UTC "yyyy-MM-ddTHH:mm:ssZ" for timed ones.</summary>
public sealed record SeenEvent(string Uid, string Summary, string Status, int Sequence, bool AllDay, string Start, string End,
    string? Description, string? Location, IReadOnlyList<string> Categories, IReadOnlyList<string> Occurrences);

public sealed record SeenCalendar(string? Name, string? Method, IReadOnlyList<string> TimeZones, IReadOnlyList<SeenEvent> Events)
{
    public SeenEvent Event(Guid id) => Events.Single(e => e.Uid == id.ToString("D"));
}

/// <summary>
/// The two parsers every feed must pass: Ical.Net (the library this service uses for RRULEs), which resolves
/// TZIDs with its own IANA data, and Mozilla's ical.js (Thunderbird's), run with node, which knows only the
/// file's VTIMEZONEs. Agreement between them checks the VTIMEZONEs as well as the syntax.
/// </summary>
public static class Parsers
{
    private const int OccurrencesCompared = 6;

    public static SeenCalendar IcalNet(string text)
    {
        var calendar = Ical.Net.Calendar.Load(text) ?? throw new InvalidOperationException("Ical.Net read no calendar.");
        var events = calendar.Events.Select(e => new SeenEvent(
            e.Uid!, e.Summary ?? "", e.Status ?? "", e.Sequence, !e.DtStart!.HasTime, Instant(e.DtStart), Instant(e.DtEnd!),
            e.Description, e.Location, e.Categories.ToList(),
            e.RecurrenceRules.Count == 0 ? [] : e.GetOccurrences().Take(OccurrencesCompared).Select(o => Instant(o.Period.StartTime)).ToList()))
            .ToList();
        var name = calendar.Properties.FirstOrDefault(p => p.Name == "X-WR-CALNAME")?.Value?.ToString();
        return new SeenCalendar(name, calendar.Method, calendar.TimeZones.Select(z => z.TzId!).ToList(), events);
    }

    private static string Instant(Ical.Net.DataTypes.CalDateTime value) =>
        value.HasTime
            ? value.AsUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Runs one of the ical.js scripts in Calendar.Tests/Feeds/icaljs on <paramref name="input"/> (stdin, in
    /// UTC) and reads the JSON it prints.</summary>
    public static async Task<JsonElement> RunIcalJsAsync(byte[] input, params string[] arguments)
    {
        var directory = Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Tests", "Feeds", "icaljs");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "ical.js")))
            throw new InvalidOperationException($"ical.js is not installed in {directory}: run scripts/test (it runs npm ci there).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ical.js failed: {await error}");
        return JsonDocument.Parse(await output).RootElement;
    }

    public static async Task<SeenCalendar> IcalJsAsync(byte[] bytes)
    {
        var json = await RunIcalJsAsync(bytes, "parse.mjs");
        string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static string Normalise(string value) =>
            value.Length == 10 ? value : DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var events = json.GetProperty("events").EnumerateArray().Select(e => new SeenEvent(
            Str(e, "uid")!, Str(e, "summary") ?? "", Str(e, "status") ?? "", e.GetProperty("sequence").GetInt32(),
            e.GetProperty("allDay").GetBoolean(), Normalise(Str(e, "start")!), Normalise(Str(e, "end")!),
            Str(e, "description"), Str(e, "location"),
            e.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToList(),
            e.GetProperty("occurrences").EnumerateArray().Select(o => Normalise(o.GetString()!)).ToList())).ToList();
        return new SeenCalendar(Str(json, "name"), Str(json, "method"),
            json.GetProperty("timezones").EnumerateArray().Select(z => z.GetString()!).ToList(), events);
    }

    /// <summary>Parses with both and asserts they see the same events; returns what they saw.</summary>
    public static async Task<SeenCalendar> BothAsync(byte[] bytes)
    {
        var net = IcalNet(Encoding.UTF8.GetString(bytes));
        var js = await IcalJsAsync(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(js.Events.Select(e => e.Uid), Is.EqualTo(net.Events.Select(e => e.Uid)), "UIDs");
            Assert.That(js.Name, Is.EqualTo(net.Name), "calendar name");
            Assert.That(js.TimeZones, Is.EquivalentTo(net.TimeZones), "VTIMEZONEs");
            foreach (var (a, b) in net.Events.Zip(js.Events))
            {
                Assert.That(b.Summary, Is.EqualTo(a.Summary), $"SUMMARY of {a.Uid}");
                Assert.That(b.Status, Is.EqualTo(a.Status), $"STATUS of {a.Uid}");
                Assert.That(b.Sequence, Is.EqualTo(a.Sequence), $"SEQUENCE of {a.Uid}");
                Assert.That(b.AllDay, Is.EqualTo(a.AllDay), $"all-day of {a.Uid}");
                Assert.That(b.Start, Is.EqualTo(a.Start), $"start of {a.Uid} ({a.Summary})");
                Assert.That(b.End, Is.EqualTo(a.End), $"end of {a.Uid} ({a.Summary})");
                Assert.That(b.Description, Is.EqualTo(a.Description), $"DESCRIPTION of {a.Uid}");
                Assert.That(b.Location, Is.EqualTo(a.Location), $"LOCATION of {a.Uid}");
                Assert.That(b.Categories, Is.EqualTo(a.Categories), $"CATEGORIES of {a.Uid}");
                Assert.That(b.Occurrences, Is.EqualTo(a.Occurrences), $"occurrences of {a.Uid} ({a.Summary})");
            }
        });
        return net;
    }
}
