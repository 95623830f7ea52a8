using Calendar.Core.Data;
using Calendar.Core.Import;
using System.Net;
using FluentValidation;

namespace Calendar.Api.Hosting;

/// <summary>Partner feeds: settings (Calendar:Import), stores, the fetcher, the reader and the scheduler.</summary>
public static class ImportSetup
{
    public static WebApplicationBuilder AddImport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1) && o.PollInterval >= TimeSpan.FromMilliseconds(100) && o.Timeout > TimeSpan.Zero
                           && o.MaxBytes > 0 && o.MaxRedirects >= 0 && o.MaxVanishShare is >= 0 and <= 1
                && (o.AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(n => IPNetwork.TryParse(n, out _)),
                "Calendar__Import__: Interval (at least 1 second), PollInterval, Timeout, MaxBytes, MaxRedirects, MaxVanishShare (0–1) and AllowedNetworks (CIDR list) must be sensible.")
            .ValidateOnStart();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton<FeedFetcher>();
        services.AddSingleton<IFeedReader, IcsReader>();
        services.AddSingleton<IValidator<SourceInput>, SourceInputValidator>();
        services.AddSingleton<Importer>();
        services.AddHostedService<ImportScheduler>();
        return builder;
    }
}
