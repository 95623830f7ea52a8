using Calendar.Api.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Pages;

/// <summary>
/// Every HTML form post goes through this filter: it must be a form (not JSON or anything else) and carry a valid
/// antiforgery token, which a page of another site cannot obtain. A failure changes nothing and says what to do.
/// </summary>
public sealed class FormPostFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method)) return await next(context);
        if (!http.Request.HasFormContentType)
            return Pages.Message("This address takes a form", "Send the form from the page itself.", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Pages.Message("The form could not be read", "It may be too large. Please shorten it and try again.", StatusCodes.Status400BadRequest);
        }
        if (!await antiforgery.IsRequestValidAsync(http))
            return Pages.Message("Please send the form again",
                "The form was open too long or did not come from this site, so it was not accepted. Go back, reload the page and send it again.",
                StatusCodes.Status400BadRequest);
        return await next(context);
    }
}

/// <summary>Hosting's HTML answers (429) as a <see cref="MessagePage"/>.</summary>
public sealed class MessagePageWriter : IMessagePage
{
    public Task WriteAsync(HttpContext context, int statusCode, string heading, string message) =>
        new RazorComponentResult<MessagePage>(new { Heading = heading, Message = message }) { StatusCode = statusCode }.ExecuteAsync(context);
}

public static class Pages
{
    public static RazorComponentResult<MessagePage> Message(string heading, string message, int status = 200,
        string? linkHref = null, string? linkText = null) =>
        new(new { Heading = heading, Message = message, LinkHref = linkHref, LinkText = linkText }) { StatusCode = status };

    public static RazorComponentResult<T> Render<T>(object parameters, int status = 200) where T : Microsoft.AspNetCore.Components.IComponent =>
        new(parameters) { StatusCode = status };

    /// <summary>Only paths on this site, so a crafted link cannot send someone elsewhere after signing in.</summary>
    public static string LocalOr(string? url, string fallback) =>
        url is { Length: > 0 and < 500 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url : fallback;

    /// <summary>303: after a successful post the browser loads the result page with GET, so reload does not post again.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
