using System.Diagnostics;
using Calendar.Core.Feeds;

namespace Calendar.Benchmarks;

/// <summary>
/// The same three renderings as <see cref="RenderBenchmarks"/>, timed by the process's CPU time rather than the
/// wall clock: on a machine shared with other work, wall-clock means swing by several times, CPU time much less.
/// Writers alternate round by round; the median round is reported.
/// </summary>
public static class CpuTime
{
    public static void Run(int rounds = 7)
    {
        var header = new FeedHeader("Anti-trafficking events", "All events.");
        var options = new IcsOptions { BaseUrl = "https://calendar.example.org" };
        foreach (var n in new[] { 1_000, 10_000 })
        {
            var events = SampleEvents.Make(n);
            var writers = new (string Name, Func<int> Render)[]
            {
                ("plain writer", () => PlainWriter.Write(events).Length),
                ("IcsWriter", () => IcsWriter.Feed(events, header, options).Bytes.Length),
                ("Ical.Net", () => IcalNetWriter.Write(events).Length),
            };
            var times = writers.ToDictionary(w => w.Name, _ => new List<double>());
            var repeat = 20_000 / n; // about the same work per timing whatever n
            foreach (var (_, render) in writers) { render(); render(); }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, render) in writers)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var before = Process.GetCurrentProcess().TotalProcessorTime;
                    for (var i = 0; i < repeat; i++) render();
                    times[name].Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / repeat);
                }
            }
            var plain = Median(times["plain writer"]);
            foreach (var (name, _) in writers)
                Console.WriteLine($"{n,6} events  {name,-13} {Median(times[name]),8:F1} ms CPU  {Median(times[name]) / plain,5:F2}x plain");
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
