using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>Ready when the database answers and has been migrated. An answer also ends a known outage at once
/// (a load balancer polls this), without waiting for the next probe.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, DatabaseAvailability availability) : IHealthCheck
{
    /// <summary>The tag of the checks /health/ready runs.</summary>
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!availability.SetUp) return HealthCheckResult.Unhealthy("Waiting for the database to migrate it.");
        try
        {
            await using var command = dataSource.CreateCommand("select version from calendar_version");
            await command.ExecuteScalarAsync(ct);
            availability.ReportAnswer();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or PostgresException or TimeoutException)
        {
            if (DatabaseAvailability.IsOutage(ex)) availability.ReportOutage(ex);
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}
