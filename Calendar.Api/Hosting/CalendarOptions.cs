using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Hosting;

/// <summary>The service's settings, section "Calendar" (environment: Calendar__Name).</summary>
public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>When set, this value is a valid moderator bearer token (first administrator, automation).</summary>
    public string? BootstrapAdminToken { get; set; }

    /// <summary>Apply migrations at start-up (under an advisory lock). Turn off when a deployment migrates first.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Load sample-data/events.json into a database that has never had it.</summary>
    public bool LoadSampleData { get; set; } = true;

    /// <summary>Largest request body accepted, in bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The public address of the service (e.g. https://calendar.example.org) for absolute links in feeds
    /// and subscribe buttons; when empty, the request's own scheme and host are used.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Addresses or CIDR networks of the reverse proxies whose X-Forwarded-For/-Proto are believed
    /// (see <see cref="ProxyTrust"/>).</summary>
    public string? KnownProxies { get; set; }
}

public sealed class CalendarOptionsValidator(IConfiguration configuration) : IValidateOptions<CalendarOptions>
{
    public ValidateOptionsResult Validate(string? name, CalendarOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Calendar")))
            failures.Add("No database configured: set ConnectionStrings__Calendar (scripts/run provisions a local PostgreSQL and sets it).");
        if (options.BootstrapAdminToken is { Length: > 0 and < 24 })
            failures.Add("Calendar__BootstrapAdminToken must be at least 24 characters long.");
        if (!string.IsNullOrEmpty(options.PublicBaseUrl)
            && !(Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            failures.Add("Calendar__PublicBaseUrl must be an absolute http(s) address.");
        ProxyTrust.Parse(options.KnownProxies, out var invalid);
        if (invalid.Count > 0)
            failures.Add($"Calendar__KnownProxies must list IP addresses or CIDR networks; not valid: {string.Join(", ", invalid)}.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
