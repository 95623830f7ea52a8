using Calendar.Core.Events;
using FluentValidation;

namespace Calendar.Core.Data;

/// <summary>Why a moderator rejects a pending event; the submitter reads it on the status page.</summary>
public sealed record RejectBody(string? Reason);

public sealed class RejectBodyValidator : AbstractValidator<RejectBody>
{
    public const int MaxReasonLength = 2000;

    public RejectBodyValidator()
    {
        RuleFor(x => x.Reason).Custom((reason, context) =>
        {
            if (string.IsNullOrWhiteSpace(reason)) context.AddFailure("Say why the event is rejected; the submitter will read it.");
            else if (reason.Trim().Length > MaxReasonLength) context.AddFailure($"Keep the reason to {MaxReasonLength:N0} characters or fewer.");
            else if (InputParsing.HasForbiddenCharacters(reason, multiLine: true)) context.AddFailure("The reason must be plain text.");
        });
    }
}
