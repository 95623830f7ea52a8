using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Calendar.Api.Hosting;

/// <summary>
/// Adds to each OpenAPI operation the statuses that the pipeline around its handler answers, from the same facts
/// the pipeline acts on: 401 and 403 where authorization applies, 429 where a rate limit does, 503 wherever the
/// database gate (<see cref="Unavailable"/>) stands in front of the route. Handlers declare their own statuses in
/// their <c>Results&lt;...&gt;</c>, and <see cref="Validated{T}"/> those of the body (400, 413, 415).
/// </summary>
public sealed class PipelineStatuses : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = new PathString("/" + context.Description.RelativePath);
        operation.Responses ??= [];

        async Task Problem(int status, string description)
        {
            if (operation.Responses.ContainsKey(status.ToString(System.Globalization.CultureInfo.InvariantCulture))) return;
            var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct);
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new() { Schema = schema } },
            };
        }

        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            await Problem(StatusCodes.Status401Unauthorized, "No valid bearer token was sent.");
            await Problem(StatusCodes.Status403Forbidden, "The token's role does not allow this action.");
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
            await Problem(StatusCodes.Status429TooManyRequests, "Too many requests from this client; see Retry-After.");
        if (!Unavailable.HandlesOutageItself(path))
        {
            if (Unavailable.WantsProblem(path))
                await Problem(StatusCodes.Status503ServiceUnavailable, "The database is out of reach; nothing was changed. See Retry-After.");
            else
                operation.Responses.TryAdd("503", new OpenApiResponse
                {
                    Description = "The database is out of reach: a short HTML page saying so, with Retry-After.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["text/html"] = new() },
                });
        }
    }
}
