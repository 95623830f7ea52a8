using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Calendar.Api.Hosting;

/// <summary>RFC 9457 problem documents for the places that answer outside an endpoint's return value.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task Write(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail ?? "Some values are not valid; see errors.",
            title: "The request has invalid values.");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static NotFoundProblem NotFound(string what) => new($"There is no {what} with this id.");
}

/// <summary>
/// A problem document whose status is part of its type. ASP.NET Core's ProblemHttpResult declares nothing to
/// OpenAPI (its status is only known when it runs); these do, so a handler's <c>Results&lt;...&gt;</c> lists every
/// status it can answer. The body is the same as <see cref="TypedResults.Problem(string?, string?, int?, string?, string?, IDictionary{string, object?}?)"/>'s.
/// </summary>
public abstract class StatusProblem(int status, string title, string detail) : IResult, IStatusCodeHttpResult
{
    public int StatusCode => status;
    int? IStatusCodeHttpResult.StatusCode => status;
    public string Title => title;
    public string Detail => detail;

    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(httpContext);

    protected static void Declare(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [Problems.ContentType]));
}

public sealed class NotFoundProblem(string detail) : StatusProblem(StatusCodes.Status404NotFound, "Not found", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status404NotFound);
}

public sealed class ForbiddenProblem(string detail) : StatusProblem(StatusCodes.Status403Forbidden, "Not allowed", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status403Forbidden);
}

public sealed class ConflictProblem(string title, string detail) : StatusProblem(StatusCodes.Status409Conflict, title, detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status409Conflict);
}

public sealed class PreconditionFailedProblem(string detail)
    : StatusProblem(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status412PreconditionFailed);
}

public sealed class UnavailableProblem(string title, string detail)
    : StatusProblem(StatusCodes.Status503ServiceUnavailable, title, detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status503ServiceUnavailable);
}

/// <summary>304: the client's copy is current (the validators were set by the handler).</summary>
public sealed class NotModified : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status304NotModified;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
}
