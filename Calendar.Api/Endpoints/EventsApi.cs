using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Calendar.Api.Caching;
using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Calendar.Api.Endpoints;

/// <summary>/api/events: the public list and item, and the authorised writes.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/events").WithTags("Events").RequireCors(Cors.Public);
        read.MapGet("/", List)
            .WithSummary("Published events as occurrences, filtered and paged")
            .WithDescription("Filters: from, to, kind (repeatable), tag (repeatable, any), language (repeatable; fr matches fr-BE), organizer, country, online, q, limit (1-200), cursor. " +
                             "Without 'from', the list starts now. Series are expanded into the occurrences inside the window: each item's top-level " +
                             "startsOn/endsOn or startsAt/endsAt (and the UTC twins) are that occurrence's own, a recurring event's item also carries " +
                             "'recurrence' and 'series' (its first occurrence), and an occurrence is identified by (id, start). " +
                             "The answer carries an ETag; send it in If-None-Match to get 304 while the page is unchanged.");
        read.MapGet("/{id:guid}", Get).WithSummary("One published event (moderators see any, with contactEmail)");

        var write = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization(Policies.Contribute);
        write.MapPost("/", Create)
            .WithSummary("Create an event: a moderator's is published at once, a coordinator's waits for review");
        write.MapPut("/{id:guid}", Replace)
            .WithSummary("Replace an event; send If-Match with the ETag you read to avoid overwriting someone else's change");
        write.MapPost("/{id:guid}/cancel", Cancel)
            .WithSummary("Mark an event cancelled; it stays in feeds so subscribers see the cancellation");
        write.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Moderate)
            .WithSummary("Remove an event (spam, duplicates); events that were called off should be cancelled instead");
        return app;
    }

    private static async Task<Results<JsonBytes, NotModified, ValidationProblem>> List(HttpContext context, EventStore store, FeedVersions versions, ListCache cache, ListQueries queries,
        TimeProvider clock, CancellationToken ct)
    {
        var raw = context.Request.QueryString.Value ?? "";
        if (!queries.TryGet(raw, out var known))
        {
            var parsed = EventFilter.Parse(context.Request.Query);
            if (parsed.Filter is not { } parsedFilter) return TypedResults.ValidationProblem(parsed.Errors, title: "The request has invalid values.");
            known = new(parsedFilter, CacheKey(parsedFilter));
            queries.Remember(raw, known);
        }
        var (filter, key) = known!;
        var version = (await versions.CurrentAsync(null, ct)).Version;
        var now = clock.GetUtcNow().UtcDateTime;
        // Shared by every request waiting for this key: rendered for the first one's instant, on no request's token.
        var page = await cache.GetOrRenderAsync(string.Create(CultureInfo.InvariantCulture, $"{version:x}|{key}"), now,
            () => RenderAsync(store, filter, now, version), ct);

        context.Response.Headers.ETag = page.ETag;
        context.Response.Headers.CacheControl = "no-cache"; // revalidate: a 304 costs no database work
        return EntityTags.IfNoneMatch(context.Request, page.ETag.Trim('"')) ? new NotModified() : new JsonBytes(page.Body);
    }

    private static string CacheKey(EventFilter filter) =>
        filter.ToQueryString(
            new KeyValuePair<string, string>("limit", filter.Limit.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string>("cursor", filter.After is { } after ? EventFilter.EncodeCursor(after) : ""));

    private static async Task<CachedList> RenderAsync(EventStore store, EventFilter filter, DateTime now, long version)
    {
        var occurrences = await store.ListAsync(filter, now, CancellationToken.None, version);
        var page = occurrences.Take(filter.Limit).ToList();
        var next = occurrences.Count > filter.Limit
            ? EventFilter.EncodeCursor(new ListPosition(page[^1].StartsAt, page[^1].Event.Id))
            : null;
        var body = ListJson.Write(new EventPage(page.Select(o => EventJson.From(o.Event, occurrence: o)).ToList(), next));
        // A list that starts now changes when the first of its occurrences (the one past the page included, which
        // decides nextCursor) ends; one with an explicit 'from' changes only with the data.
        var validUntil = filter.From is null && occurrences.Count > 0 ? occurrences.Min(o => o.EndsAt) : DateTime.MaxValue;
        return new CachedList(body, $"\"l{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12))}\"", validUntil);
    }

    /// <summary>Pre-rendered JSON with its length.</summary>
    private sealed class JsonBytes(byte[] body) : IResult, IEndpointMetadataProvider
    {
        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EventPage), ["application/json"]));

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }
    }

    private static async Task<Results<Ok<EventJson>, NotFoundProblem>> Get(Guid id, HttpContext context, EventStore store, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var e = await store.FindAsync(id, ct);
        if (e is null || !CanSee(caller, e)) return Problems.NotFound("event");
        context.Response.Headers.ETag = e.ETag;
        return TypedResults.Ok(EventJson.From(e, includePrivate: CanSeePrivate(caller, e)));
    }

    private static async Task<Created<EventJson>> Create(Validated<EventInput> input, HttpContext context, EventStore store, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var created = await store.InsertAsync(EventDraft.From(input.Value), caller.IsModerator ? ModerationState.Published : ModerationState.Pending, caller.AccountId,
            context.User.ToActor(), ct);
        context.Response.Headers.ETag = created.ETag;
        return TypedResults.Created($"/api/events/{created.Id}", EventJson.From(created, includePrivate: true));
    }

    private static async Task<Results<Ok<EventJson>, NotFoundProblem, ForbiddenProblem, PreconditionFailedProblem>> Replace(Guid id,
        Validated<EventInput> input, HttpContext context, EventStore store, CancellationToken ct)
    {
        if (!TryReadIfMatch(context.Request, out var expected))
            return BadIfMatch;
        var result = await store.ReplaceAsync(id, EventDraft.From(input.Value), Caller.From(context.User).Scope, expected, context.User.ToActor(), ct);
        return WriteResponse(context, result);
    }

    private static async Task<Results<Ok<EventJson>, NotFoundProblem, ForbiddenProblem, PreconditionFailedProblem>> Cancel(Guid id,
        HttpContext context, EventStore store, CancellationToken ct)
    {
        if (!TryReadIfMatch(context.Request, out var expected))
            return BadIfMatch;
        var result = await store.CancelAsync(id, Caller.From(context.User).Scope, expected, context.User.ToActor(), ct);
        return WriteResponse(context, result);
    }

    private static async Task<Results<NoContent, NotFoundProblem>> Delete(Guid id, HttpContext context, EventStore store, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, context.User.ToActor(), ct)) return Problems.NotFound("event");
        return TypedResults.NoContent();
    }

    // A new result each time: the problem details service adds the request's traceId to the object it writes.
    private static PreconditionFailedProblem BadIfMatch => new("If-Match must be the ETag of the event as you last read it (or *).");

    private static Results<Ok<EventJson>, NotFoundProblem, ForbiddenProblem, PreconditionFailedProblem> WriteResponse(HttpContext context, WriteResult result)
    {
        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                context.Response.Headers.ETag = result.Event!.ETag;
                return TypedResults.Ok(EventJson.From(result.Event, includePrivate: true));
            case WriteOutcome.NotFound:
                return Problems.NotFound("event");
            case WriteOutcome.Forbidden:
                return new ForbiddenProblem("You can change only the events you submitted.");
            default:
                return new PreconditionFailedProblem(
                    "The event changed since you read it. Fetch it again, reapply your change and send the new ETag in If-Match.");
        }
    }

    /// <summary>No If-Match (or *) means an unconditional write; otherwise it must be one of our ETags.</summary>
    private static bool TryReadIfMatch(HttpRequest request, out long? revision)
    {
        revision = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return true;
        if (!EntityTagHeaderValue.TryParse(header.Trim(), out var tag) || tag.IsWeak) return false;
        var value = tag.Tag.Trim('"');
        if (value.Length > 1 && value[0] == 'r' && long.TryParse(value.AsSpan(1), out var r)) { revision = r; return true; }
        revision = -1; // well-formed but not ours: can never match
        return true;
    }

    internal static bool CanSee(Caller caller, Event e) => e.Moderation == ModerationState.Published || caller.Scope.Allows(e);

    internal static bool CanSeePrivate(Caller caller, Event e) => caller.Scope.Allows(e);
}
