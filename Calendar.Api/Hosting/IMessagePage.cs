namespace Calendar.Api.Hosting;

/// <summary>A short HTML page (heading and message) in the site's look, for answers that Hosting gives people itself
/// (too many requests). Pages implements it, so Hosting depends on no page.</summary>
public interface IMessagePage
{
    Task WriteAsync(HttpContext context, int statusCode, string heading, string message);
}
