using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using BenchmarkDotNet.Running;
using Calendar.Benchmarks;

// dotnet run -c Release --project Calendar.Benchmarks -- [BenchmarkDotNet arguments]      rendering benchmarks
// dotnet run -c Release --project Calendar.Benchmarks -- serve <file.ics> <port> [<file.json>]  wrk's ceiling (bench/wrk.sh)
// dotnet run -c Release --project Calendar.Benchmarks -- list-workload <dir> <count>          varied list queries + pgbench scripts (bench/api-list.sh)
// dotnet run -c Release --project Calendar.Benchmarks -- cputime                             CPU time per render (robust on a busy machine)
// dotnet run -c Release --project Calendar.Benchmarks -- sizes                               bytes of each writer's output
if (args is ["serve", var file, var port, ..] && args.Length <= 4)
{
    Ceiling.Serve(await File.ReadAllBytesAsync(file), int.Parse(port), args.Length == 4 ? await File.ReadAllBytesAsync(args[3]) : null);
    return;
}
if (args is ["list-workload", var directory, var count])
{
    ListWorkload.Write(directory, int.Parse(count));
    return;
}
if (args is ["sizes"])
{
    foreach (var n in new[] { 1_000, 10_000 })
    {
        var events = SampleEvents.Make(n);
        var ours = Calendar.Core.Feeds.IcsWriter.Feed(events, new("Anti-trafficking events", "All events."), new() { BaseUrl = "https://calendar.example.org" }).Bytes;
        Console.WriteLine($"{n} events: IcsWriter {ours.Length:N0} B, plain {PlainWriter.Write(events).Length:N0} B, Ical.Net {System.Text.Encoding.UTF8.GetByteCount(IcalNetWriter.Write(events)):N0} B");
    }
    return;
}
if (args is ["cputime"])
{
    CpuTime.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RenderBenchmarks).Assembly).Run(args);

/// <summary>The ceiling for the wrk comparison: Kestrel copying bytes built in advance, nothing else.</summary>
internal static class Ceiling
{
    public static void Serve(byte[] identity, int port, byte[]? json = null)
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(identity);
        var gzip1 = gzipped.ToArray();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/feed", (HttpContext context) =>
        {
            var gz = context.Request.Headers.AcceptEncoding.ToString().Contains("gzip");
            context.Response.ContentType = "text/calendar; charset=utf-8";
            if (gz) context.Response.Headers.ContentEncoding = "gzip";
            var body = gz ? gzip1 : identity;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        app.MapGet("/json", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = json!.Length;
            return context.Response.Body.WriteAsync(json).AsTask();
        });
        app.MapGet("/304", (HttpContext context) =>
        {
            context.Response.StatusCode = 304;
            context.Response.Headers.ETag = "\"0123456789abcdef01234567\"";
            return Task.CompletedTask;
        });
        app.Run();
    }
}
