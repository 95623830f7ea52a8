using BenchmarkDotNet.Attributes;
using Calendar.Core.Events;
using Calendar.Core.Feeds;

namespace Calendar.Benchmarks;

/// <summary>Uncached rendering of a whole feed: this service's writer against a minimal plain writer and Ical.Net.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RenderBenchmarks
{
    private IReadOnlyList<Event> _events = [];
    private static readonly FeedHeader Header = new("Anti-trafficking events", "All events.");
    private static readonly IcsOptions Options = new() { BaseUrl = "https://calendar.example.org" };

    [Params(1_000, 10_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup() => _events = SampleEvents.Make(Events);

    [Benchmark(Baseline = true)]
    public byte[] PlainWriter() => Benchmarks.PlainWriter.Write(_events);

    [Benchmark]
    public byte[] IcsWriter() => Calendar.Core.Feeds.IcsWriter.Feed(_events, Header, Options).Bytes;

    [Benchmark]
    public string IcalNet() => IcalNetWriter.Write(_events);
}
