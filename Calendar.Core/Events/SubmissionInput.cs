using System.Text.Json;
using FluentValidation;

namespace Calendar.Core.Events;

/// <summary>The submission body: an event plus the honeypot field the form hides from people (any value fills it).</summary>
public sealed class SubmissionInput : EventInput
{
    /// <summary>A field people never see on the form; software that fills every field gives itself away.</summary>
    public const string HoneypotField = "website";

    public JsonElement? Website { get; set; }

    public bool HoneypotFilled => Website is { } w
        && w.ValueKind != JsonValueKind.Null
        && !(w.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(w.GetString()));

    public override SubmissionInput Normalized()
    {
        var normalized = EventDraft.Normalize(this);
        normalized.Website = Website;
        return normalized;
    }
}

/// <summary>An event's rules plus the submission rules (an organizer). A body that filled the honeypot is not judged
/// at all: it is answered as if accepted, so that a robot learns nothing from the answer.</summary>
public sealed class SubmissionInputValidator : AbstractValidator<SubmissionInput>
{
    public SubmissionInputValidator(IValidator<EventInput> events)
    {
        RuleFor(x => x).CustomAsync(async (input, context, ct) =>
        {
            var result = await events.ValidateAsync(input, o => o.IncludeRuleSets("default", EventInputValidator.SubmissionRules), ct);
            foreach (var failure in result.Errors) context.AddFailure(failure);
        }).When(x => !x.HoneypotFilled);
    }
}
