using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Calendar.Tests.Support;

/// <summary>
/// A partner's web server on loopback (Kestrel) that tests tell what to answer per path: a feed, an error, a slow
/// or huge answer, a redirect. It listens on 127.0.0.2 (Linux routes all of 127/8 to loopback), so a test can
/// allow exactly that address and still see 127.0.0.1 refused.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    public const string Address = "127.0.0.2";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new();
    private int _inFlight;

    public ConcurrentQueue<(string Path, string? IfNoneMatch)> Requests { get; } = new();
    public int MaxConcurrent { get; private set; }

    private FeedServer(WebApplication app) => _app = app;

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{Address}:0");
        var app = builder.Build();
        var server = new FeedServer(app);
        app.Run(async context =>
        {
            var now = Interlocked.Increment(ref server._inFlight);
            lock (server) server.MaxConcurrent = Math.Max(server.MaxConcurrent, now);
            try
            {
                server.Requests.Enqueue((context.Request.Path, context.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } v ? v : null));
                if (server._handlers.TryGetValue(context.Request.Path.Value ?? "", out var handler)) await handler(context);
                else context.Response.StatusCode = 404;
            }
            finally
            {
                Interlocked.Decrement(ref server._inFlight);
            }
        });
        await app.StartAsync();
        return server;
    }

    public string BaseUrl => _app.Urls.First();

    public string Url(string path) => BaseUrl + path;

    public void Handle(string path, Func<HttpContext, Task> handler) => _handlers[path] = handler;

    /// <summary>Serves an iCalendar text (with an ETag when given, answering 304 to a matching If-None-Match).</summary>
    public void Serve(string path, string ics, string? etag = null) => Handle(path, async context =>
    {
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag) { context.Response.StatusCode = 304; return; }
        }
        context.Response.ContentType = "text/calendar; charset=utf-8";
        await context.Response.WriteAsync(ics);
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Small hand-written feeds for lifecycle tests.</summary>
public static class Ics
{
    public sealed record Item(string Uid, string Title, string Start, string End, string? TzId = "Europe/Vienna", string? Status = null,
        string? Description = null);

    public static string Calendar(params Item[] items)
    {
        var lines = new List<string> { "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//Test//EN" };
        foreach (var i in items)
        {
            lines.Add("BEGIN:VEVENT");
            lines.Add($"UID:{i.Uid}");
            lines.Add("DTSTAMP:20260101T000000Z");
            lines.Add(i.TzId is null ? $"DTSTART:{i.Start}" : $"DTSTART;TZID={i.TzId}:{i.Start}");
            lines.Add(i.TzId is null ? $"DTEND:{i.End}" : $"DTEND;TZID={i.TzId}:{i.End}");
            lines.Add($"SUMMARY:{i.Title}");
            if (i.Description is not null) lines.Add($"DESCRIPTION:{i.Description}");
            if (i.Status is not null) lines.Add($"STATUS:{i.Status}");
            lines.Add("END:VEVENT");
        }
        lines.Add("END:VCALENDAR");
        return string.Join("\r\n", lines) + "\r\n";
    }

    /// <summary>n upcoming one-hour events in Vienna, one a week from 2031-03-03.</summary>
    public static Item[] Weekly(string prefix, int n) => Enumerable.Range(0, n).Select(k =>
    {
        var day = new DateTime(2031, 3, 3).AddDays(7 * k);
        return new Item($"{prefix}-{k}@partner.example", $"{prefix} session {k + 1}", day.ToString("yyyyMMdd") + "T090000",
            day.ToString("yyyyMMdd") + "T100000");
    }).ToArray();
}
