using System.Text.Json.Serialization;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Calendar.Api.Hosting;

public static class Cors
{
    public const string Public = "public";
}

public static class ServiceCollectionExtensions
{
    public static WebApplicationBuilder AddCalendar(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CalendarOptions>().BindConfiguration(CalendarOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CalendarOptions>, CalendarOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var builderDs = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IConfiguration>().GetConnectionString("Calendar"));
            DatabaseTuning.Apply(builderDs.ConnectionStringBuilder);
            builderDs.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builderDs.Build();
        });
        services.AddSingleton<EventStore>();
        services.AddSingleton<EventArchive>();
        services.AddSingleton<FeedStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IValidator<EventInput>, EventInputValidator>();
        services.AddSingleton<IValidator<SubmissionInput>, SubmissionInputValidator>();
        services.AddSingleton<IValidator<NewAccountBody>, NewAccountValidator>();
        services.AddSingleton<IValidator<NewTokenBody>, NewTokenValidator>();
        services.AddSingleton<IValidator<RejectBody>, RejectBodyValidator>();
        services.AddSingleton<IValidator<FeedInput>, FeedInputValidator>();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<DatabaseSetup>();
        services.AddSingleton<DatabaseAvailability>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // {"title": "a", "title": "b"} is a 400 (SPEC): two parsers must never read one body two ways.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseExceptionHandler>();
        services.AddRazorComponents();
        services.AddOpenApi(o => o.AddOperationTransformer<PipelineStatuses>());

        services.AddAuthentication(BearerAuthenticationHandler.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.Scheme, null);
        services.AddSingleton<IBearerTokenResolver, BootstrapTokenResolver>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Moderate, p => p.RequireRole(AccountRole.Moderator))
            .AddPolicy(Policies.Contribute, p => p.RequireRole(AccountRole.Moderator, AccountRole.Coordinator));

        services.AddCors(o => o.AddPolicy(Cors.Public, p => p
            .AllowAnyOrigin().WithMethods("GET", "HEAD").AllowAnyHeader()
            .WithExposedHeaders("ETag", "Last-Modified")));

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.ReadyTag]);
        // Every unready poll would be an error line for the whole outage; DatabaseAvailability logs it once.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize =
                context.Configuration.GetValue<long?>($"{CalendarOptions.Section}:MaxRequestBodyBytes") ?? new CalendarOptions().MaxRequestBodyBytes;
        });
        builder.AddAccounts();
        builder.AddProxyTrust();
        builder.AddImport();
        return builder;
    }

    public static WebApplication UseCalendar(this WebApplication app)
    {
        app.UseProxyTrust();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseCors();
        app.UseDatabaseGate(); // after CORS, so a partner page's script can read the 503
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>Migrations and the one-time sample load, run before the service accepts requests; when the database
/// is not there yet, the service starts anyway and runs them when it appears (<see cref="DatabaseAvailability"/>).</summary>
public sealed class DatabaseSetup(IConfiguration configuration, IOptions<CalendarOptions> options, NpgsqlDataSource dataSource,
    DatabaseAvailability availability, ILogger<DatabaseSetup> logger)
{
    public Task RunAsync(CancellationToken ct) => availability.SetUpAsync(async stopping =>
    {
        if (options.Value.MigrateOnStart) Migrate();
        if (options.Value.LoadSampleData) await SampleData.LoadOnceAsync(dataSource, logger, stopping);
    }, ct);

    public void Migrate()
    {
        var applied = Migrator.Run(configuration.GetConnectionString("Calendar")!, logger);
        logger.LogInformation("Database migrated ({Count} new migrations)", applied.Count);
    }
}
