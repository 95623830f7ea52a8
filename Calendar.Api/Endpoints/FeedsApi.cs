using System.Text.RegularExpressions;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;

namespace Calendar.Api.Endpoints;

/// <summary>The body of POST/PUT /api/feeds: a named feed's slug (POST only), title, description and saved filter.</summary>
public sealed record FeedInput
{
    public string? Slug { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    /// <summary>A query string with the filters of /feeds/events.ics, e.g. "kind=webinar&amp;tag=migration".</summary>
    public string? Filter { get; init; }
    public bool? Retired { get; init; }
}

public sealed record FeedJson(string Slug, string Title, string Description, string Filter, bool Retired, string Url,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static FeedJson From(NamedFeed f) =>
        new(f.Slug, f.Title, f.Description, f.Filter, f.Retired, $"/feeds/{f.Slug}.ics", f.CreatedAt, f.UpdatedAt);
}

public sealed record FeedList(IReadOnlyList<FeedJson> Items);

/// <summary>/api/feeds: anyone lists the named feeds; moderators create, change and retire them. There is no
/// delete: a subscriber's URL keeps answering, so a feed that is no longer wanted is retired (not offered).</summary>
public static partial class FeedsApi
{
    public static IEndpointRouteBuilder MapFeedsApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/feeds").WithTags("Feeds").RequireCors(Cors.Public);
        read.MapGet("/", List).WithSummary("Named feeds that are offered (moderators add ?includeRetired=true)");
        read.MapGet("/{slug}", Get).WithSummary("One named feed, retired or not");

        var write = app.MapGroup("/api/feeds").WithTags("Feeds").RequireAuthorization(Policies.Moderate);
        write.MapPost("/", Create).Accepts<FeedInput>("application/json").WithSummary("Create a named feed");
        write.MapPut("/{slug}", Update).Accepts<FeedInput>("application/json")
            .WithSummary("Change a named feed's title, description, filter or retired flag (the slug never changes)");
        write.MapPost("/{slug}/retire", Retire).WithSummary("Stop offering a named feed; its URL keeps answering");
        return app;
    }

    private static async Task<IResult> List(HttpContext context, FeedStore feeds, bool? includeRetired, CancellationToken ct)
    {
        var all = includeRetired == true && Caller.From(context.User).IsModerator;
        return TypedResults.Ok(new FeedList((await feeds.ListAsync(all, ct)).Select(FeedJson.From).ToList()));
    }

    private static async Task<IResult> Get(string slug, FeedStore feeds, CancellationToken ct) =>
        slug.Length <= 60 && await feeds.FindAsync(slug, ct) is { } feed ? TypedResults.Ok(FeedJson.From(feed)) : Problems.NotFound("feed");

    private static async Task<IResult> Create(HttpContext context, JsonBody body, FeedStore feeds, CancellationToken ct)
    {
        var read = await body.ReadAsync<FeedInput>(context.Request);
        if (read.Problem is not null) return read.Problem;
        var (feed, errors) = Validate(read.Value!, read.Value!.Slug);
        if (errors.Count > 0) return Problems.Validation(errors);
        var created = await feeds.InsertAsync(feed!, ct);
        if (created is null)
            return TypedResults.Problem(statusCode: 409, title: "Slug taken",
                detail: $"A feed '{feed!.Slug}' exists already (retired feeds keep their slug); choose another slug.");
        return TypedResults.Created($"/api/feeds/{created.Slug}", FeedJson.From(created));
    }

    private static async Task<IResult> Update(string slug, HttpContext context, JsonBody body, FeedStore feeds, CancellationToken ct)
    {
        var read = await body.ReadAsync<FeedInput>(context.Request);
        if (read.Problem is not null) return read.Problem;
        if (read.Value!.Slug is { } other && other != slug)
            return Problems.Validation(new Dictionary<string, string[]> { ["slug"] = ["The slug of a feed cannot change: its URL is a promise to subscribers."] });
        var (feed, errors) = Validate(read.Value!, slug);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (await feeds.FindAsync(slug, ct) is not { } existing) return Problems.NotFound("feed");
        // Leaving 'retired' out keeps the feed as it is; only an explicit value retires or revives it.
        feed = feed! with { Retired = read.Value!.Retired ?? existing.Retired };
        return await feeds.UpdateAsync(feed, ct) is { } updated ? TypedResults.Ok(FeedJson.From(updated)) : Problems.NotFound("feed");
    }

    private static async Task<IResult> Retire(string slug, FeedStore feeds, CancellationToken ct)
    {
        if (slug.Length > 60 || await feeds.FindAsync(slug, ct) is not { } feed) return Problems.NotFound("feed");
        if (feed.Retired) return TypedResults.Ok(FeedJson.From(feed));
        return await feeds.UpdateAsync(feed with { Retired = true }, ct) is { } updated ? TypedResults.Ok(FeedJson.From(updated)) : Problems.NotFound("feed");
    }

    private static (NamedFeed? Feed, Dictionary<string, string[]> Errors) Validate(FeedInput input, string? slug)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        slug = slug?.Trim();
        if (string.IsNullOrEmpty(slug) || slug.Length is < 2 or > 60 || !Slug().IsMatch(slug))
            errors["slug"] = ["The slug must be 2-60 lowercase letters or digits joined by hyphens, e.g. labour-exploitation."];
        else if (slug == "events")
            errors["slug"] = ["'events' is reserved: /feeds/events.ics is the filtered feed."];

        var title = input.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 120 || InputParsing.HasForbiddenCharacters(title, multiLine: false))
            errors["title"] = ["The title is required: plain text of at most 120 characters."];
        var description = input.Description?.Trim() ?? "";
        if (description.Length > 500 || InputParsing.HasForbiddenCharacters(description, multiLine: false))
            errors["description"] = ["The description must be plain text on one line, at most 500 characters."];

        var canonical = "";
        var filterText = input.Filter?.Trim() ?? "";
        if (filterText.Length > 1000)
            errors["filter"] = ["The filter must be a query string of at most 1000 characters."];
        else
        {
            var parsed = EventFilter.Parse(filterText);
            if (parsed.Filter is { } filter) canonical = filter.CanonicalQuery();
            else foreach (var (name, messages) in parsed.Errors) errors[$"filter.{name}"] = messages;
        }
        // What is stored is the percent-encoded canonical form, which can be longer than what was sent.
        if (canonical.Length > 1000)
            errors["filter"] = ["The filter is too long once encoded (at most 1000 characters): shorten q or organizer."];
        if (errors.Count > 0) return (null, errors);
        return (new NamedFeed { Slug = slug!, Title = title!, Description = description, Filter = canonical, Retired = input.Retired ?? false }, errors);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}
