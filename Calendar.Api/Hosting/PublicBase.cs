namespace Calendar.Api.Hosting;

/// <summary>
/// The service's public origin and path base, the one value absolute links (feeds, subscribe buttons, status links)
/// are built on: Calendar__PublicBaseUrl when set, else the request's own scheme, host and path base.
/// </summary>
public static class PublicBase
{
    /// <summary>As text without a trailing slash (cheap enough for a feed request's cache key).</summary>
    public static string Url(string? publicBaseUrl, HttpRequest request) =>
        string.IsNullOrEmpty(publicBaseUrl)
            ? $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}"
            : publicBaseUrl.TrimEnd('/');

    /// <summary>As the base URI Calendar.Core's FeedLinks takes.</summary>
    public static Uri Uri(string? publicBaseUrl, HttpRequest request) => new(Url(publicBaseUrl, request) + "/", UriKind.Absolute);

    /// <summary>A submitter's private status page, /submissions/{token}.</summary>
    public static string SubmissionStatus(HttpContext context, CalendarOptions options, string token) =>
        Url(options.PublicBaseUrl, context.Request) + $"/submissions/{token}";
}
