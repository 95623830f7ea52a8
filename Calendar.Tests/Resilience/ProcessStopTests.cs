using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Calendar.Tests.Support;
using Dapper;
using Npgsql;

namespace Calendar.Tests.Resilience;

/// <summary>
/// The service as a real process (dotnet Calendar.Api.dll on loopback, not the test host), killed with SIGKILL in
/// the middle of concurrent writes, or stopped with SIGTERM while requests are in flight.
/// </summary>
[NonParallelizable]
public sealed class ProcessStopTests
{
    private const int Writers = 8;

    private static HttpClient Moderator(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CalendarApp.ModeratorToken);
        return client;
    }

    [Test]
    public async Task SIGKILL_during_concurrent_writes_loses_no_acknowledged_write_and_no_audit_row_and_leaves_no_change_without_its_record()
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            var acknowledged = new ConcurrentBag<(Guid Id, string Action)>();
            var unexpected = new ConcurrentBag<string>();
            using (var service = await ServiceProcess.StartAsync(database))
            {
                var killed = new CancellationTokenSource();
                var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
                {
                    using var client = Moderator(service.BaseAddress);
                    for (var i = 0; !killed.IsCancellationRequested; i++)
                    {
                        try
                        {
                            var created = await client.PostJsonAsync("/api/events", EventBuilder.Timed($"Written by {w}, number {i}"));
                            if (created.StatusCode != HttpStatusCode.Created) { unexpected.Add($"create: {created.StatusCode}"); continue; }
                            var id = Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
                            acknowledged.Add((id, "created"));

                            var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/events/{id}")
                            {
                                Content = JsonContent.Create(EventBuilder.Timed($"Edited by {w}, number {i}"), options: CalendarApp.Json),
                            };
                            edit.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
                            var edited = await client.SendAsync(edit);
                            if (edited.StatusCode != HttpStatusCode.OK) { unexpected.Add($"edit: {edited.StatusCode}"); continue; }
                            acknowledged.Add((id, "edited"));

                            if (i % 2 == 0)
                            {
                                var cancelled = await client.PostAsync($"/api/events/{id}/cancel", null);
                                if (cancelled.StatusCode != HttpStatusCode.OK) { unexpected.Add($"cancel: {cancelled.StatusCode}"); continue; }
                                acknowledged.Add((id, "cancelled"));
                            }
                            if (i % 3 == 0)
                            {
                                var deleted = await client.DeleteAsync($"/api/events/{id}");
                                if (deleted.StatusCode != HttpStatusCode.NoContent) { unexpected.Add($"delete: {deleted.StatusCode}"); continue; }
                                acknowledged.Add((id, "deleted"));
                            }
                        }
                        catch (Exception) when (killed.IsCancellationRequested)
                        {
                            return; // the request the kill cut off was never acknowledged
                        }
                    }
                })).ToList();

                var writing = Stopwatch.StartNew();
                while (writing.Elapsed < TimeSpan.FromSeconds(3) || (acknowledged.Count(a => a.Action == "created") < 40 && writing.Elapsed < TimeSpan.FromSeconds(30)))
                    await Task.Delay(50);
                await killed.CancelAsync();
                service.Kill(); // SIGKILL, while the writers are mid-request
                await Task.WhenAll(writers);
                Assert.That(unexpected, Is.Empty, "every write before the kill succeeded");
                TestContext.Out.WriteLine($"Acknowledged before SIGKILL: {acknowledged.Count} writes ({acknowledged.Count(a => a.Action == "created")} creations)");
            }

            // What the database holds, after the kill.
            var stillThere = new HashSet<Guid>();
            await using (var connection = new NpgsqlConnection(database))
            {
                var events = (await connection.QueryAsync<(Guid Id, string Status, long Revision)>("select id, status, revision from events"))
                    .ToDictionary(e => e.Id);
                stillThere.UnionWith(events.Keys);
                var log = (await connection.QueryAsync<(Guid EventId, string Action)>("select event_id, action from moderation_log")).ToList();
                var actions = log.ToLookup(l => l.EventId, l => l.Action);

                foreach (var (id, action) in acknowledged)
                {
                    Assert.That(actions[id], Does.Contain(action), $"the audit row of the acknowledged '{action}' of {id}");
                    var present = events.TryGetValue(id, out var stored);
                    if (acknowledged.Contains((id, "deleted"))) Assert.That(present, Is.False, $"acknowledged deletion of {id}");
                    // Gone only through the test's own deletion request, which may have committed just before the kill.
                    if (!present) Assert.That(actions[id], Does.Contain("deleted"), $"acknowledged '{action}' of {id}: the event is gone without a recorded deletion");
                    if (action == "cancelled" && present) Assert.That(stored.Status, Is.EqualTo("cancelled"), $"acknowledged cancellation of {id}");
                }
                // Nor the other way round: no change without its record, no record without its change.
                foreach (var e in events.Values)
                {
                    Assert.That(actions[e.Id], Does.Contain("created"), $"event {e.Id} has its creation record");
                    Assert.That(e.Revision, Is.EqualTo(1 + actions[e.Id].Count(a => a is "edited" or "cancelled")),
                        $"every change of {e.Id} has exactly one record");
                }
                foreach (var id in log.Where(l => l.Action == "deleted").Select(l => l.EventId))
                    Assert.That(events.ContainsKey(id), Is.False, $"the event whose deletion is recorded ({id}) is gone");
                foreach (var id in log.Select(l => l.EventId).Distinct().Where(id => !events.ContainsKey(id)))
                    Assert.That(actions[id], Does.Contain("deleted"), $"a recorded event that is gone ({id}) has its deletion record");
            }

            // The restarted service serves every acknowledged write, with its history.
            using (var restarted = await ServiceProcess.StartAsync(database))
            using (var client = Moderator(restarted.BaseAddress))
            {
                var survivors = acknowledged.Where(a => a.Action == "created").Select(a => a.Id).Where(stillThere.Contains).ToList();
                foreach (var id in survivors)
                {
                    var response = await client.GetAsync($"/api/events/{id}");
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {id} after the restart");
                    var title = (await response.JsonAsync()).GetProperty("title").GetString();
                    if (acknowledged.Contains((id, "edited"))) Assert.That(title, Does.StartWith("Edited by"));
                }
                var edited = survivors.First(id => acknowledged.Contains((id, "edited")));
                var history = await (await client.GetAsync($"/api/moderation/{edited}/history")).JsonAsync();
                Assert.That(history.EnumerateArray().Select(h => h.GetProperty("action").GetString()).Take(2), Is.EqualTo(new[] { "created", "edited" }),
                    "the history of an acknowledged edit, over HTTP after the restart");
            }
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Test]
    public async Task SIGTERM_with_requests_in_flight_stops_accepting_finishes_them_all_and_exits_0()
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            using var service = await ServiceProcess.StartAsync(database);
            using var client = Moderator(service.BaseAddress);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = Enumerable.Range(0, Writers).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
            // Each request sends its headers and half its body, then waits: in flight when SIGTERM arrives.
            var requests = started.Select((s, i) =>
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(EventBuilder.Timed($"In flight at SIGTERM {i}"), CalendarApp.Json);
                return client.PostAsync("/api/events", new HeldContent(body, s, release.Task));
            }).ToList();
            await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(20));
            await Task.Delay(300); // let the service read what was sent

            service.Terminate();
            await Task.Delay(1000);
            Assert.That(service.HasExited, Is.False, "the service waits for the requests in flight");
            using (var newcomer = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) })
                Assert.ThrowsAsync<HttpRequestException>(() => newcomer.GetAsync("/health/live"), "a new connection after SIGTERM is refused");

            release.SetResult();
            var responses = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created), service.Output);

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await service.WaitForExitAsync(exit.Token);
            Assert.That(service.ExitCode, Is.EqualTo(0), service.Output);

            await using var connection = new NpgsqlConnection(database);
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from events where title like 'In flight at SIGTERM %'"), Is.EqualTo(Writers));
            Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from moderation_log where action = 'created'"), Is.EqualTo(Writers));
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    /// <summary>A JSON body sent in two halves: the second only when <paramref name="release"/> completes.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly TaskCompletionSource _started;
        private readonly Task _release;

        public HeldContent(byte[] body, TaskCompletionSource started, Task release)
        {
            _body = body;
            _started = started;
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _release;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
