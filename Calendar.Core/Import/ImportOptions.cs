namespace Calendar.Core.Import;

/// <summary>Settings of partner-feed import, section "Calendar:Import" (environment: Calendar__Import__Name).</summary>
public sealed class ImportOptions
{
    public const string Section = "Calendar:Import";

    /// <summary>Whether this instance runs the scheduler (runs from the API and pages work either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each source is fetched.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the scheduler looks for due sources.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allow loopback, private, link-local and multicast addresses (intranets, tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Private networks allowed one by one (CIDR, comma-separated, e.g. "10.20.0.0/16"), for a partner on an
    /// intranet without opening every private address.</summary>
    public string? AllowedNetworks { get; set; }

    /// <summary>A whole fetch, redirects included, must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest feed accepted, after decompression.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Occurrences of a series kept before and after the run (when the reader expands a series).</summary>
    public TimeSpan HorizonPast { get; set; } = TimeSpan.FromDays(31);
    public TimeSpan HorizonFuture { get; set; } = TimeSpan.FromDays(2 * 366);

    /// <summary>Share of a source's upcoming events that may vanish in one run before it is held.</summary>
    public double MaxVanishShare { get; set; } = 0.30;
}
