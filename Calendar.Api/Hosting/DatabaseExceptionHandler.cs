using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>
/// An unreachable database (refused, broken or timed-out connection, server shutting down) is a 503 with
/// Retry-After, never a 500: a problem document for the API, a small HTML page for browsers (see
/// <see cref="Unavailable"/>). The failed statement's transaction never committed, so nothing is half-written.
/// A safety net as well: the validator is meant to catch everything first, but when a database CHECK or NOT NULL
/// constraint refuses a write (a validator bug), the client still gets a 400 problem rather than a 500, and the
/// database is unchanged because the statement failed.
/// </summary>
public sealed class DatabaseExceptionHandler(IProblemDetailsService problems, DatabaseAvailability availability,
    ILogger<DatabaseExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (DatabaseAvailability.IsOutage(exception))
        {
            availability.ReportOutage(exception);
            if (context.Response.HasStarted) return false;
            await Unavailable.WriteAsync(context);
            return true;
        }
        if (exception is not PostgresException { SqlState: var state } pg || !state.StartsWith("23", StringComparison.Ordinal))
            return false;
        logger.LogError(exception, "A write passed validation but broke database rule {Constraint}", pg.ConstraintName ?? pg.ColumnName);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = 400,
                Title = "The request breaks a rule of the calendar.",
                Detail = $"The value of '{pg.ColumnName ?? pg.ConstraintName ?? "a field"}' is not allowed.",
            },
        });
    }
}
