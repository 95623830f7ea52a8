using System.Globalization;
using System.Reflection;
using System.Text;
using Calendar.Api.Caching;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using FeedAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Calendar.Api.Endpoints.FeedEndpoints.FeedFile, Calendar.Api.Hosting.NotModified,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, Calendar.Api.Hosting.NotFoundProblem, Calendar.Api.Hosting.UnavailableProblem,
    Calendar.Api.Endpoints.FeedEndpoints.Outage>;

namespace Calendar.Api.Endpoints;

/// <summary>
/// The iCalendar routes: /feeds/events.ics?filters, /feeds/{slug}.ics and /events/{id}.ics. Anonymous, GET and
/// HEAD, text/calendar whatever the Accept header. Validators come from one small database row (the shared
/// change counter and the window's last exit), so a conditional request is answered 304 without rendering, and
/// every instance gives the same answer.
/// </summary>
public static class FeedEndpoints
{
    /// <summary>Part of every ETag: raise it when the writer's output changes for the same data.</summary>
    private const string FormatVersion = "ics-1";
    private const string ContentType = "text/calendar; charset=utf-8";
    private const string CacheControl = "public, max-age=300";
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapFeedEndpoints(this IEndpointRouteBuilder app)
    {
        var feeds = app.MapGroup("").WithTags("Feeds").RequireCors(Cors.Public);
        feeds.MapMethods("/feeds/events.ics", GetAndHead, FilteredFeed)
            .WithSummary("iCalendar feed of published events; takes the same filters as /api/events (without limit and cursor)");
        feeds.MapMethods("/feeds/{slug}.ics", GetAndHead, NamedFeed)
            .WithSummary("A named feed (a saved filter), e.g. osce, world-days, webinars");
        feeds.MapMethods("/events/{id:guid}.ics", GetAndHead, SingleEvent)
            .WithSummary("One event as an iCalendar file to download (it never updates; subscribe to a feed for that)");
        feeds.MapNewsFeeds(GetAndHead);
        app.MapGet("/robots.txt", () => TypedResults.Text(
                "User-agent: *\nAllow: /feeds/\nAllow: /events/\nDisallow: /api/\nDisallow: /admin\n", "text/plain; charset=utf-8"))
            .ExcludeFromDescription();
        app.MapFeedsApi();
        return app;
    }

    private static async Task<FeedAnswer> FilteredFeed(HttpContext context, FeedVersions versions, FeedStore feeds, EventStore events, FeedCache cache, FeedQueries filters,
        IOptions<CalendarOptions> options, DatabaseAvailability availability, CancellationToken ct)
    {
        // Subscribers repeat the same URL for years: remember what each query string means (bounded).
        var raw = context.Request.QueryString.Value ?? "";
        if (!filters.TryGet(raw, out var known))
        {
            var parsed = EventFilter.Parse(context.Request.Query, allowLimit: false, allowCursor: false);
            if (parsed.Filter is not { } parsedFilter) return Problems.Validation(parsed.Errors);
            known = new(parsedFilter, "q:" + parsedFilter.CanonicalQuery());
            filters.Remember(raw, known);
        }
        var (filter, key) = known!;
        var baseUrl = BaseUrl(context, options);
        return await OrLastVersion(context, cache, availability, key, baseUrl, null, true, async () =>
        {
            var state = await versions.CurrentAsync(null, ct);
            return await Serve(context, feeds, cache, state, key, baseUrl, null,
                async (baseUrl, renderCt) => FeedRenderer.Render(await events.ListForFeedAsync(filter, state.WindowStart, renderCt),
                    new FeedHeader(FeedTitle.For(filter), FeedTitle.Describe(filter)), Options(baseUrl)).Bytes,
                ct);
        });
    }

    private static async Task<FeedAnswer> NamedFeed(string slug, HttpContext context, FeedVersions versions, FeedStore feeds, EventStore events, FeedCache cache, FeedQueries filters,
        IOptions<CalendarOptions> options, DatabaseAvailability availability, CancellationToken ct)
    {
        if (slug.Length > 60) return Problems.NotFound("feed");
        return await OrLastVersion(context, cache, availability, $"n:{slug}", BaseUrl(context, options), $"{slug}.ics", true,
            () => NamedFeedFromDatabase(slug, context, versions, feeds, events, cache, filters, options, ct));
    }

    private static async Task<FeedAnswer> NamedFeedFromDatabase(string slug, HttpContext context, FeedVersions versions, FeedStore feeds, EventStore events,
        FeedCache cache, FeedQueries filters, IOptions<CalendarOptions> options, CancellationToken ct)
    {
        var state = await versions.CurrentAsync(slug, ct);
        if (state.Feed is not { } feed) return new NotFoundProblem($"There is no feed '{slug}'.");
        var saved = "saved:" + feed.Filter;
        if (!filters.TryGet(saved, out var known))
        {
            var parsed = EventFilter.Parse(feed.Filter);
            if (parsed.Filter is not { } parsedFilter)
                return new UnavailableProblem("Feed unavailable", "This feed's saved filter is not valid; a moderator must correct it.");
            known = new(parsedFilter, saved);
            filters.Remember(saved, known);
        }
        var filter = known!.Filter;
        return await Serve(context, feeds, cache, state, $"n:{feed.Slug}", BaseUrl(context, options), $"{feed.Slug}.ics",
            async (baseUrl, renderCt) => FeedRenderer.Render(await events.ListForFeedAsync(filter, state.WindowStart, renderCt),
                new FeedHeader(feed.Title, feed.Description.Length > 0 ? feed.Description : FeedTitle.Describe(filter)), Options(baseUrl)).Bytes,
            ct, inline: true);
    }

    private static async Task<FeedAnswer> SingleEvent(Guid id, HttpContext context, FeedVersions versions, FeedStore feeds, EventStore events, FeedCache cache,
        IOptions<CalendarOptions> options, DatabaseAvailability availability, CancellationToken ct)
    {
        var baseUrl = BaseUrl(context, options);
        return await OrLastVersion(context, cache, availability, $"e:{id:N}", baseUrl, $"{id:D}.ics", false, async () =>
        {
            var state = await versions.CurrentAsync(null, ct);
            return await Serve(context, feeds, cache, state, $"e:{id:N}", baseUrl, $"{id:D}.ics", async (baseUrl, renderCt) =>
            {
                var e = await events.FindPublishedAsync(id, renderCt);
                return e is null ? null : IcsWriter.Single(e, Options(baseUrl)).Bytes;
            }, ct, inline: false);
        });
    }

    /// <summary>Serves the feed from the database; while that is out of reach, the last version this instance
    /// rendered, with its own validators, so subscribed calendars neither error nor empty. A feed this instance
    /// never rendered gets a 503 with Retry-After.</summary>
    internal static async Task<FeedAnswer> OrLastVersion(HttpContext context, FeedCache cache, DatabaseAvailability availability, string key,
        string baseUrl, string? fileName, bool inline, Func<Task<FeedAnswer>> serve)
    {
        if (availability.Available)
        {
            try
            {
                return await serve();
            }
            catch (Exception ex) when (DatabaseAvailability.IsOutage(ex))
            {
                availability.ReportOutage(ex);
            }
        }
        if (cache.Last($"{key}|{baseUrl}") is not { } last) return new Outage();
        return Unchanged(context, last.Tag, last.LastModified) ?? (FeedAnswer)Write(context, last, fileName, inline);
    }

    /// <summary>503 with Retry-After: the database is out of reach and this instance never rendered the feed.</summary>
    internal sealed class Outage : IResult, IEndpointMetadataProvider
    {
        public Task ExecuteAsync(HttpContext httpContext) => Unavailable.WriteAsync(httpContext);

        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), [Problems.ContentType]));
    }

    private static IcsOptions Options(string baseUrl) => new() { BaseUrl = baseUrl };

    internal static async Task<FeedAnswer> Serve(HttpContext context, FeedStore feeds, FeedCache cache, FeedState state, string key,
        string baseUrl, string? fileName, Func<string, CancellationToken, Task<byte[]?>> render, CancellationToken ct, bool inline = true,
        string contentType = ContentType)
    {
        var response = context.Response;
        var tag = Tag(key, baseUrl, state);
        var lastModified = state.LastModified;
        if (Unchanged(context, tag, lastModified) is { } unchanged) return unchanged;

        var cacheKey = $"{key}|{baseUrl}|{tag}";
        var feed = await cache.GetOrRenderAsync(cacheKey, async () =>
        {
            // Shared by every request waiting for this key: one client hanging up must not cancel it for the rest.
            var bytes = await render(baseUrl, CancellationToken.None);
            if (bytes is null) return null;
            // Cache only what belongs to the version the validators name; a write during rendering means
            // these bytes may mix both, so they are served once but not remembered under this tag.
            return await feeds.VersionAsync(CancellationToken.None) == state.Version ? new RenderedFeed(bytes, tag, lastModified, contentType) : new RenderedFeed(bytes, "", lastModified, contentType);
        }, ct);
        if (feed is null)
        {
            response.Headers.CacheControl = "no-cache"; // it may be published any minute
            return new NotFoundProblem("There is no published event with this id.");
        }
        if (!feed.RememberedAsLast) cache.RememberLast($"{key}|{baseUrl}", feed);
        return Write(context, feed, fileName, inline);
    }

    /// <summary>Sets the feed's caching headers; a 304 when the client's copy is current, with the feed's own ETag for
    /// the encoding the client would get, as for a 200.</summary>
    private static NotModified? Unchanged(HttpContext context, string tag, DateTime lastModified)
    {
        var response = context.Response;
        response.Headers.CacheControl = CacheControl;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (!NotModified(context.Request, tag, lastModified)) return null;
        response.Headers.ETag = ETag(tag, ChooseEncoding(context.Request));
        response.Headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);
        return new NotModified();
    }

    private static FeedFile Write(HttpContext context, RenderedFeed feed, string? fileName, bool inline)
    {
        var request = context.Request;
        var response = context.Response;
        var lastModified = feed.LastModified;
        var encoding = ChooseEncoding(request);
        var body = encoding switch { "br" => feed.Brotli, "gzip" => feed.Gzip, _ => feed.Identity };
        if (feed.Tag.Length > 0)
        {
            response.Headers.ETag = ETag(feed.Tag, encoding);
            response.Headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);
        }
        else
        {
            response.Headers.CacheControl = "no-cache";
        }
        if (encoding is not null) response.Headers.ContentEncoding = encoding;
        response.Headers.ContentDisposition = $"{(inline ? "inline" : "attachment")}; filename=\"{fileName ?? "events.ics"}\"";
        if (!inline) response.Headers["X-Robots-Tag"] = "noindex";
        return new FeedFile(body, feed.ContentType);
    }

    /// <summary>If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); any representation of the same
    /// content matches, whatever its encoding. An unparseable date is ignored.</summary>
    internal static bool NotModified(HttpRequest request, string tag, DateTime lastModified)
    {
        if (request.Headers.IfNoneMatch.Count > 0) return EntityTags.IfNoneMatch(request, tag, anyEncoding: true);
        // HeaderUtilities reads all three HTTP date formats; an unparseable value is null and ignored.
        return HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since)
               && lastModified <= since.UtcDateTime;
    }

    private static string ETag(string tag, string? encoding) => encoding is null ? $"\"{tag}\"" : $"\"{tag}-{encoding}\"";

    /// <summary>Brotli, then gzip, when Accept-Encoding asks for them with a non-zero weight; identity otherwise.</summary>
    internal static string? ChooseEncoding(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0) return null;
        bool br = false, gzip = false;
        foreach (var value in header)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var semi = part.IndexOf(';');
                var name = (semi < 0 ? part : part[..semi]).Trim().ToLowerInvariant();
                var zero = semi >= 0 && part[(semi + 1)..].Replace(" ", "") is "q=0" or "q=0.0" or "q=0.00" or "q=0.000";
                if (zero) continue;
                if (name == "br") br = true;
                else if (name is "gzip" or "x-gzip") gzip = true;
            }
        }
        return br ? "br" : gzip ? "gzip" : null;
    }

    /// <summary>Everything the bytes depend on: the shared version, the window's last exit, and a stable hash of
    /// the writer's format, the feed and the base of event links (FNV-1a: the same in every process, unlike
    /// string.GetHashCode). Cheap, because it is computed on every request, 304s included.</summary>
    private static string Tag(string key, string baseUrl, FeedState state)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in (ReadOnlySpan<string>)[FormatVersion, key, baseUrl])
        {
            foreach (var c in part) { hash ^= c; hash *= 1099511628211UL; }
            hash ^= '\n'; hash *= 1099511628211UL;
        }
        var left = state.LastLeftEnd is { } end ? end.Ticks / TimeSpan.TicksPerSecond : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{state.Version:x}.{left:x}.{hash:x16}");
    }

    internal static string BaseUrl(HttpContext context, IOptions<CalendarOptions> options) =>
        PublicBase.Url(options.Value.PublicBaseUrl, context.Request);

    /// <summary>Writes the bytes with their length; HEAD gets the same headers and no body.</summary>
    internal sealed class FeedFile(byte[] body, string contentType) : IResult, IEndpointMetadataProvider
    {
        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void)));

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            return HttpMethods.IsHead(httpContext.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
        }
    }
}
