using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Endpoints;

/// <summary>Tags, organizers and languages of published events with counts, for filter controls.</summary>
public static class FacetsApi
{
    public static IEndpointRouteBuilder MapFacetsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Facets").RequireCors(Cors.Public);
        group.MapGet("/tags", async Task<Ok<FacetList>> (EventStore store, CancellationToken ct) =>
            TypedResults.Ok(new FacetList((await store.TagsAsync(ct)).Select(f => new FacetJson(f.Value, f.Count)).ToList())))
            .WithSummary("Tags of published events, most used first");
        group.MapGet("/organizers", async Task<Ok<FacetList>> (EventStore store, CancellationToken ct) =>
            TypedResults.Ok(new FacetList((await store.OrganizersAsync(ct)).Select(f => new FacetJson(f.Value, f.Count)).ToList())))
            .WithSummary("Organizers of published events, most active first");
        group.MapGet("/languages", async Task<Ok<FacetList>> (EventStore store, CancellationToken ct) =>
            TypedResults.Ok(new FacetList((await store.LanguagesAsync(ct)).Select(f => new FacetJson(f.Value, f.Count)).ToList())))
            .WithSummary("Primary language tags of published events (fr counts fr and fr-BE), most used first");
        return app;
    }
}
