using FluentValidation;
using FluentValidation.Results;

namespace Calendar.Core.Events;

/// <summary>Runs <see cref="EventInputValidator"/> and shapes its failures as the SPEC's errors object, keyed by
/// the JSON field path in camelCase (location.country, tags[2]).</summary>
public static class EventValidation
{
    public static async Task<(EventDraft? Draft, EventInput Input, IDictionary<string, string[]>? Errors)> ValidateAsync(
        IValidator<EventInput> validator, EventInput raw, bool submission, CancellationToken ct)
    {
        var input = EventDraft.Normalize(raw);
        var result = await validator.ValidateAsync(input, o =>
        {
            if (submission) o.IncludeRuleSets("default", EventInputValidator.SubmissionRules);
        }, ct);
        return result.IsValid ? (EventDraft.From(input), input, null) : (null, input, ToErrors(result));
    }

    public static IDictionary<string, string[]> ToErrors(ValidationResult result) =>
        result.Errors
            .GroupBy(e => FieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray(), StringComparer.Ordinal);

    public static string FieldName(string propertyName) =>
        string.Join('.', propertyName.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
