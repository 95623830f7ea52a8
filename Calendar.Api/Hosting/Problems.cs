using Microsoft.AspNetCore.Mvc;

namespace Calendar.Api.Hosting;

/// <summary>RFC 9457 problem documents for the places that answer outside an endpoint's return value.</summary>
public static class Problems
{
    public static Task Write(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    public static IResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail ?? "Some values are not valid; see errors.",
            title: "The request has invalid values.");

    public static IResult NotFound(string what) =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no {what} with this id.");
}
