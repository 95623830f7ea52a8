using System.Reflection;
using Calendar.Core.Events;
using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Calendar.Api.Hosting;

/// <summary>
/// A JSON body that was read strictly (<see cref="JsonBody"/>: content type, size, repeated members), cleaned
/// (<see cref="INormalizable{T}"/>) and accepted by the FluentValidation validator registered for T. A handler that
/// takes one runs only when all of that passed: otherwise the endpoint answers the body's 400, 413 or 415 problem
/// itself, and declares those statuses and the body's schema to OpenAPI.
/// </summary>
public sealed class Validated<T> : IEndpointParameterMetadataProvider where T : class
{
    private readonly T? _value;

    private Validated(T? value, IResult? problem) => (_value, Problem) = (value, problem);

    /// <summary>The normalized, valid body.</summary>
    public T Value => _value ?? throw new InvalidOperationException("The body was refused; the handler should not have run.");

    private IResult? Problem { get; }

    public static async ValueTask<Validated<T>> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var services = context.RequestServices;
        var read = await services.GetRequiredService<JsonBody>().ReadAsync<T>(context.Request);
        if (read.Problem is not null) return new(null, read.Problem);
        var value = read.Value is INormalizable<T> normalizable ? normalizable.Normalized() : read.Value!;
        var ruleSets = parameter.GetCustomAttribute<RuleSetsAttribute>()?.Names ?? [];
        var result = await services.GetRequiredService<IValidator<T>>().ValidateAsync(value,
            o => o.IncludeRuleSets(["default", .. ruleSets]), context.RequestAborted);
        return result.IsValid ? new(value, null) : new(null, Problems.Validation(EventValidation.ToErrors(result)));
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), [Problems.ContentType]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails), [Problems.ContentType]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails), [Problems.ContentType]));
        var position = parameter.Position;
        builder.FilterFactories.Add((_, next) => invocation =>
            invocation.Arguments[position] is Validated<T> { Problem: { } problem } ? ValueTask.FromResult<object?>(problem) : next(invocation));
    }
}

/// <summary>Rule sets of the body's validator to run besides the default rules, e.g. a new feed's slug rules.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RuleSetsAttribute(params string[] names) : Attribute
{
    public string[] Names { get; } = names;
}
