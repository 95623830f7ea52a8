using System.Security.Cryptography;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Calendar.Core.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Pages;

/// <summary>The public pages: / (list, filters, subscribe and embed panels), /events/{id}, and /embed for iframes.</summary>
public static class PageEndpoints
{
    public const int DefaultEmbedLimit = 5, MaxEmbedLimit = 50;

    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddSingleton<EmbedScript>();
        services.AddSingleton<IMessagePage, MessagePageWriter>();
        services.AddOptions<StaticFileOptions>().Configure<EmbedScript>((o, script) => o.OnPrepareResponse = script.SetCaching);
        return services;
    }

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/", HomePage);
        pages.MapGet("/past", PastPage);
        app.MapNewsletter();
        pages.MapGet("/events/{id:guid}", EventDetails);
        pages.MapGet("/embed", EmbedPage);
        return app;
    }

    private static Task<RazorComponentResult<Home>> HomePage(HttpContext context, EventStore store, EventArchive archive, FeedStore feeds,
        TimeProvider clock, IOptions<CalendarOptions> options, EmbedScript script, CancellationToken ct) =>
        ListPage(context, store, archive, feeds, clock, options, script, past: false, ct);

    private static Task<RazorComponentResult<Home>> PastPage(HttpContext context, EventStore store, EventArchive archive, FeedStore feeds,
        TimeProvider clock, IOptions<CalendarOptions> options, EmbedScript script, CancellationToken ct) =>
        ListPage(context, store, archive, feeds, clock, options, script, past: true, ct);

    /// <summary>/ lists what is coming; /past what happened before today, one window (a year, a month, or the
    /// whole past for a search) at a time, with the same filters, subscribe and embed panels.</summary>
    private static async Task<RazorComponentResult<Home>> ListPage(HttpContext context, EventStore store, EventArchive archive, FeedStore feeds,
        TimeProvider clock, IOptions<CalendarOptions> options, EmbedScript script, bool past, CancellationToken ct)
    {
        var parsed = EventFilter.Parse(context.Request.Query, allowLimit: false, allowCursor: true);
        var filter = parsed.Filter ?? new EventFilter();
        var now = clock.GetUtcNow().UtcDateTime;
        PastView? pastView = null;
        var listFilter = filter;
        if (past)
        {
            var months = parsed.IsValid ? await archive.MonthsAsync(filter, now.Date, ct) : [];
            listFilter = PastView.WindowFor(filter, months, now.Date);
            pastView = new PastView(months, listFilter);
        }
        // The list looks a year ahead unless the URL says otherwise, so yearly world days do not fill it with
        // the next decade; the last page links on to the following year. Feeds and the embed are not limited.
        var horizon = listFilter.To ?? (listFilter.From ?? now).Date.AddYears(1);
        IReadOnlyList<Occurrence> occurrences = parsed.IsValid && (!past || listFilter.From is not null)
            ? await store.ListAsync(listFilter with { To = horizon }, now, ct) : [];
        var page = occurrences.Take(filter.Limit).ToList();
        var path = past ? "/past" : "/";
        string? next = null;
        if (occurrences.Count > filter.Limit)
        {
            var cursor = EventFilter.EncodeCursor(new ListPosition(page[^1].StartsAt, page[^1].Event.Id));
            next = path + listFilter.ToQueryString(KeyValuePair.Create("cursor", cursor));
        }
        else if (parsed.IsValid && filter.To is null && !past)
            next = "/" + (filter with { From = horizon }).ToQueryString();
        var baseUri = PublicBase.Uri(options.Value.PublicBaseUrl, context.Request);
        // A filter that a named feed saves is offered as that feed: a shorter URL, a title a moderator chose,
        // and a last segment Thunderbird names the calendar after.
        var named = (await feeds.ListAsync(includeRetired: false, ct))
            .Select(f => (Feed: f, Filter: EventFilter.Parse(f.Filter).Filter))
            .Where(f => f.Filter is not null)
            .ToList();
        var canonical = listFilter with { After = null };
        var match = named.FirstOrDefault(f => f.Filter!.ToQuery().SequenceEqual(canonical.ToQuery()));
        var subscribe = parsed.IsValid && !canonical.IsEmpty && match.Feed is not null
            ? FeedLinks.ForNamedFeed(baseUri, match.Feed.Slug, match.Feed.Title)
            : FeedLinks.ForFilter(baseUri, canonical);
        var model = new HomeModel(filter, parsed.IsValid ? null : parsed.Errors, page, next, !past && (filter.After is not null || filter.From is not null),
            DateOnly.FromDateTime(horizon),
            subscribe, named.Select(f => new NamedFeedLink(f.Feed.Title, "/" + f.Filter!.ToQueryString())).ToList(),
            EmbedSnippets.Iframe(baseUri, canonical), EmbedSnippets.Script(baseUri, script.VersionedPath, canonical),
            await store.TagsAsync(ct), await store.OrganizersAsync(ct), await store.LanguagesAsync(ct), baseUri, pastView);
        return new RazorComponentResult<Home>(new { Model = model }) { StatusCode = parsed.IsValid ? 200 : 400 };
    }

    private static async Task<IResult> EventDetails(Guid id, HttpContext context, EventStore store, TimeProvider clock,
        IOptions<CalendarOptions> options, CancellationToken ct)
    {
        var e = await store.FindPublishedAsync(id, ct);
        if (e is null)
            return new RazorComponentResult<NotFoundPage>(new { What = "event" }) { StatusCode = 404 };
        var now = clock.GetUtcNow().UtcDateTime;
        // A series shows its next occurrence (or its last one once it is over); a one-off shows itself.
        var occurrence = e.Recurrence is null
            ? Occurrence.Single(e)
            : Occurrences.Expand(e, now, null, null, 1).FirstOrDefault() ?? Occurrence.Single(e);
        var baseUri = PublicBase.Uri(options.Value.PublicBaseUrl, context.Request);
        var kindFilter = new EventFilter { Kinds = [e.Kind] };
        var model = new EventPageModel(e, occurrence, FeedLinks.EventPage(baseUri, e.Id), FeedLinks.ForEvent(baseUri, e),
            FeedLinks.ForFilter(baseUri, kindFilter), "/" + kindFilter.ToQueryString(),
            EventJsonLd.Script(e, occurrence, FeedLinks.EventPage(baseUri, e.Id)));
        return new RazorComponentResult<EventPage>(new { Model = model });
    }

    private static async Task<IResult> EmbedPage(HttpContext context, EventStore store, TimeProvider clock,
        IOptions<CalendarOptions> options, CancellationToken ct)
    {
        var parsed = EventFilter.Parse(context.Request.Query, allowLimit: true, allowCursor: false);
        var errors = new Dictionary<string, string[]>(parsed.Errors);
        var theme = context.Request.Query["theme"].ToString();
        if (theme is not ("" or "light" or "dark" or "auto")) errors["theme"] = ["'theme' must be light, dark or auto."];
        if (parsed.Filter is { Limit: > MaxEmbedLimit }) errors["limit"] = [$"'limit' must be a whole number from 1 to {MaxEmbedLimit} here."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var filter = parsed.Filter!;
        if (!context.Request.Query.ContainsKey("limit")) filter = filter with { Limit = DefaultEmbedLimit };
        var now = clock.GetUtcNow().UtcDateTime;
        var occurrences = (await store.ListAsync(filter, now, ct)).Take(filter.Limit).ToList();
        var baseUri = PublicBase.Uri(options.Value.PublicBaseUrl, context.Request);
        var more = baseUri.AbsoluteUri.TrimEnd('/') + "/" + filter.ToQueryString();
        context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.EmbedPolicy;
        context.Response.Headers.CacheControl = "public, max-age=300";
        return new RazorComponentResult<Embed>(new { Model = new EmbedModel(occurrences, baseUri, more, theme is "" ? "auto" : theme, filter.To <= now) });
    }
}

public sealed record HomeModel(EventFilter Filter, IDictionary<string, string[]>? Errors, IReadOnlyList<Occurrence> Occurrences,
    string? NextPage, bool IsLaterPage, DateOnly Horizon, SubscribeLinks Subscribe, IReadOnlyList<NamedFeedLink> NamedFeeds, string IframeSnippet, string ScriptSnippet,
    IReadOnlyList<FacetCount> Tags, IReadOnlyList<FacetCount> Organizers, IReadOnlyList<FacetCount> Languages,
    Uri BaseUri, PastView? Past = null);

public sealed record NamedFeedLink(string Title, string ListUrl);

public sealed record EventPageModel(Event Event, Occurrence Occurrence, string PageUrl, AddToCalendarLinks Add,
    SubscribeLinks KindFeed, string KindListUrl, string JsonLdScript);

public sealed record EmbedModel(IReadOnlyList<Occurrence> Occurrences, Uri BaseUri, string MoreUrl, string Theme, bool Past = false);

/// <summary>
/// embed.js at a versioned URL (/embed.js?v=content hash) that may be cached for a year; /embed.js itself, or an old
/// version, only for five minutes, so partner pages pick up fixes soon.
/// </summary>
public sealed class EmbedScript
{
    public EmbedScript(IWebHostEnvironment environment)
    {
        var file = environment.WebRootFileProvider.GetFileInfo("embed.js");
        if (!file.Exists) { Version = "missing"; return; }
        using var stream = file.CreateReadStream();
        Version = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }

    public string Version { get; }
    public string VersionedPath => $"/embed.js?v={Version}";

    public void SetCaching(StaticFileResponseContext context)
    {
        if (!context.Context.Request.Path.Equals("/embed.js", StringComparison.Ordinal)) return;
        var headers = context.Context.Response.Headers;
        headers.CacheControl = context.Context.Request.Query["v"] == Version
            ? "public, max-age=31536000, immutable"
            : "public, max-age=300";
        headers["Cross-Origin-Resource-Policy"] = "cross-origin";
    }
}
