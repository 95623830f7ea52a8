namespace Calendar.Api.Hosting;

/// <summary>
/// Headers on every response: nosniff everywhere; on HTML a strict Content-Security-Policy (scripts and styles
/// only from this origin, no inline script) and no framing. A route that must be framed (/embed) sets its own
/// policy before the response starts, and this leaves it alone.
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>/embed may be framed by any site; everything else keeps frame-ancestors 'none'.</summary>
    public const string EmbedPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            // /docs is the API browser (Scalar), which needs its inline bootstrap script.
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                && !context.Request.Path.StartsWithSegments("/docs"))
            {
                if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = PagePolicy;
                if (!headers.ContainsKey("X-Frame-Options") && headers.ContentSecurityPolicy.ToString().Contains("frame-ancestors 'none'"))
                    headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            }
            return Task.CompletedTask;
        });
        await next();
    });
}
