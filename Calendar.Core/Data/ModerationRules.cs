namespace Calendar.Core.Data;

/// <summary>What a rejection reason must be, for /api/moderation and the /admin pages alike.</summary>
public static class ModerationRules
{
    public const int MaxReasonLength = 2000;

    public static string? CheckReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Say why the event is rejected; the submitter will read it."
        : reason.Trim().Length > MaxReasonLength ? $"Keep the reason to {MaxReasonLength:N0} characters or fewer."
        : Calendar.Core.Events.InputParsing.HasForbiddenCharacters(reason, multiLine: true) ? "The reason must be plain text."
        : null;
}
