using System.Text;

namespace Calendar.Api.Hosting;

/// <summary>
/// The 503 answer while the database is out of reach: a problem document with Retry-After for the API and feeds
/// (machines), a small HTML page for everything a browser opens. <see cref="UseDatabaseGate"/> answers it at once
/// while an outage is known, so requests do not queue on a dead server.
/// </summary>
public static class Unavailable
{
    private static readonly byte[] Page = Encoding.UTF8.GetBytes("""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Temporarily unavailable – Anti-trafficking events calendar</title>
        <link rel="stylesheet" href="/site.css">
        </head>
        <body>
        <main>
        <h1>Temporarily unavailable</h1>
        <p>The calendar cannot reach its database at the moment. Please try again in a minute.</p>
        <p>Subscribed calendar feeds keep working meanwhile. Nothing you sent was half-saved: if a form was refused, send it again later.</p>
        <p><a href="/">Try again</a></p>
        </main>
        </body>
        </html>
        """);

    /// <summary>Routes that answer without the database, or (feeds, health) handle its absence themselves.</summary>
    internal static bool HandlesOutageItself(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/feeds") || path.StartsWithSegments("/docs")
        || path.StartsWithSegments("/openapi") || path.Equals("/robots.txt")
        || (path.StartsWithSegments("/events") && path.Value!.EndsWith(".ics", StringComparison.Ordinal));

    internal static bool WantsProblem(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/feeds")
        || path.Value?.EndsWith(".ics", StringComparison.Ordinal) == true;

    public static IApplicationBuilder UseDatabaseGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var availability = context.RequestServices.GetRequiredService<DatabaseAvailability>();
        if (!availability.Available && !HandlesOutageItself(context.Request.Path))
        {
            await WriteAsync(context);
            return;
        }
        await next();
    });

    public static async Task WriteAsync(HttpContext context)
    {
        // Nothing was written yet: the gate answers before the endpoint, the exception handler after clearing it.
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = DatabaseAvailability.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (WantsProblem(context.Request.Path))
        {
            await Problems.Write(context, 503, "Temporarily unavailable",
                $"The calendar cannot reach its database. Nothing was changed; try again in {DatabaseAvailability.RetryAfterSeconds} seconds.");
            return;
        }
        response.ContentType = "text/html; charset=utf-8";
        // A partner's page frames /embed; keep it frameable so the partner shows this page rather than a blocked frame.
        if (context.Request.Path.StartsWithSegments("/embed")) response.Headers.ContentSecurityPolicy = SecurityHeaders.EmbedPolicy;
        response.ContentLength = Page.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(Page);
    }
}
