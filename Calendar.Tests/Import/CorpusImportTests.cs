using System.Net;
using System.Text.Json;
using Calendar.Core.Events;
using Calendar.Core.Import;
using Calendar.Tests.Support;
using Npgsql;

namespace Calendar.Tests.Import;

/// <summary>
/// Every file of the reader's corpus (real exports of Outlook, Google, Apple, Nextcloud... and hand-made cases) served
/// by a loopback web server and imported as a partner's source: the run succeeds, each stored event starts at the
/// instant the reader read (which CorpusTests holds against ical.js), and a second run over the same bytes changes
/// nothing at all.
/// </summary>
public sealed class CorpusImportTests : ImportFixture
{
    private static string CorpusDirectory => Path.Combine(Support.Browser.FindRepositoryRoot(), "Calendar.Tests", "Import", "corpus");

    public static IEnumerable<TestCaseData> Files() =>
        Directory.GetFiles(CorpusDirectory, "*.ics").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName($"Importing {f} stores the reader's instants and a second run changes nothing"));

    [TestCaseSource(nameof(Files))]
    public async Task Corpus_file_import(string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CorpusDirectory, file));
        var path = "/corpus/" + file;
        _server.Handle(path, async c =>
        {
            c.Response.ContentType = "text/calendar";
            await c.Response.Body.WriteAsync(bytes);
        });
        var created = await _moderator.PostJsonAsync("/api/sources", new { name = file, url = _server.Url(path), organizer = "Corpus partner", tags = new[] { "corpus" } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await created.JsonAsync()).GetProperty("id").GetString()!;

        var first = await RunAsync(id);
        Assert.That(first.GetProperty("outcome").GetString(), Is.EqualTo("ok"), first.ToString());
        TestContext.Out.WriteLine(first.ToString());

        // What the reader means for each key, as the stored model keeps it.
        var read = IcsFeedReader.Read(bytes, new FeedReadOptions(null, DateTime.UtcNow, TimeSpan.FromDays(31), TimeSpan.FromDays(2 * 366)));
        var meant = new Dictionary<string, DateTime>();
        foreach (var e in read.Events)
        {
            var input = EventDraft.Normalize(e.Input);
            input.Kind ??= "other";
            try { meant[e.Key] = EventDraft.From(input).StartsAt; } catch (Exception) { /* invalid: the importer skips it */ }
        }
        var stored = await StoredStartsAsync(id);
        Assert.That(stored.Count, Is.EqualTo(first.GetProperty("created").GetInt32()));
        Assert.Multiple(() =>
        {
            foreach (var (key, startsAt) in stored)
                if (meant.TryGetValue(key, out var expected))
                    Assert.That(startsAt, Is.EqualTo(expected), $"start of {key}");
        });

        var before = await _app.SnapshotAsync();
        var second = await RunAsync(id);
        Assert.That((second.GetProperty("outcome").GetString(), second.GetProperty("created").GetInt32(), second.GetProperty("updated").GetInt32(),
            second.GetProperty("cancelled").GetInt32()), Is.EqualTo(("ok", 0, 0, 0)), second.ToString());
        Assert.That(await _app.SnapshotAsync(), Is.EqualTo(before), "a second run over the same bytes changes nothing");
    }

    private async Task<Dictionary<string, DateTime>> StoredStartsAsync(string sourceId)
    {
        await using var connection = await _app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(
            "select i.key, e.starts_at from imported_events i join events e on e.id = i.event_id where i.source_id = @s::uuid", connection);
        command.Parameters.AddWithValue("s", sourceId);
        var result = new Dictionary<string, DateTime>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetDateTime(1);
        return result;
    }
}
