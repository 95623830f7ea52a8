using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Endpoints;

public sealed record FeedJson(string Slug, string Title, string Description, string Filter, bool Retired, string Url,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static FeedJson From(NamedFeed f) =>
        new(f.Slug, f.Title, f.Description, f.Filter, f.Retired, $"/feeds/{f.Slug}.ics", f.CreatedAt, f.UpdatedAt);
}

public sealed record FeedList(IReadOnlyList<FeedJson> Items);

/// <summary>/api/feeds: anyone lists the named feeds; moderators create, change and retire them. There is no
/// delete: a subscriber's URL keeps answering, so a feed that is no longer wanted is retired (not offered).</summary>
public static class FeedsApi
{
    public static IEndpointRouteBuilder MapFeedsApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/feeds").WithTags("Feeds").RequireCors(Cors.Public);
        read.MapGet("/", List).WithSummary("Named feeds that are offered (moderators add ?includeRetired=true)");
        read.MapGet("/{slug}", Get).WithSummary("One named feed, retired or not");

        var write = app.MapGroup("/api/feeds").WithTags("Feeds").RequireAuthorization(Policies.Moderate);
        write.MapPost("/", Create).WithSummary("Create a named feed");
        write.MapPut("/{slug}", Update)
            .WithSummary("Change a named feed's title, description, filter or retired flag (the slug never changes)");
        write.MapPost("/{slug}/retire", Retire).WithSummary("Stop offering a named feed; its URL keeps answering");
        return app;
    }

    private static async Task<Ok<FeedList>> List(HttpContext context, FeedStore feeds, bool? includeRetired, CancellationToken ct)
    {
        var all = includeRetired == true && Caller.From(context.User).IsModerator;
        return TypedResults.Ok(new FeedList((await feeds.ListAsync(all, ct)).Select(FeedJson.From).ToList()));
    }

    private static async Task<Results<Ok<FeedJson>, NotFoundProblem>> Get(string slug, FeedStore feeds, CancellationToken ct) =>
        slug.Length <= 60 && await feeds.FindAsync(slug, ct) is { } feed ? TypedResults.Ok(FeedJson.From(feed)) : Problems.NotFound("feed");

    private static async Task<Results<Created<FeedJson>, ConflictProblem>> Create([RuleSets(FeedInputValidator.NewFeed)] Validated<FeedInput> input,
        FeedStore feeds, CancellationToken ct)
    {
        var feed = input.Value.ToFeed(input.Value.Slug!);
        var created = await feeds.InsertAsync(feed, ct);
        if (created is null)
            return new ConflictProblem("Slug taken", $"A feed '{feed.Slug}' exists already (retired feeds keep their slug); choose another slug.");
        return TypedResults.Created($"/api/feeds/{created.Slug}", FeedJson.From(created));
    }

    private static async Task<Results<Ok<FeedJson>, ValidationProblem, NotFoundProblem>> Update(string slug, Validated<FeedInput> input,
        FeedStore feeds, CancellationToken ct)
    {
        if (input.Value.Slug is { } other && other != slug)
            return Problems.Validation("slug", "The slug of a feed cannot change: its URL is a promise to subscribers.");
        if (slug.Length > 60 || await feeds.FindAsync(slug, ct) is not { } existing) return Problems.NotFound("feed");
        // Leaving 'retired' out keeps the feed as it is; only an explicit value retires or revives it.
        var feed = input.Value.ToFeed(slug) with { Retired = input.Value.Retired ?? existing.Retired };
        return await feeds.UpdateAsync(feed, ct) is { } updated ? TypedResults.Ok(FeedJson.From(updated)) : Problems.NotFound("feed");
    }

    private static async Task<Results<Ok<FeedJson>, NotFoundProblem>> Retire(string slug, FeedStore feeds, CancellationToken ct)
    {
        if (slug.Length > 60 || await feeds.FindAsync(slug, ct) is not { } feed) return Problems.NotFound("feed");
        if (feed.Retired) return TypedResults.Ok(FeedJson.From(feed));
        return await feeds.UpdateAsync(feed with { Retired = true }, ct) is { } updated ? TypedResults.Ok(FeedJson.From(updated)) : Problems.NotFound("feed");
    }
}
