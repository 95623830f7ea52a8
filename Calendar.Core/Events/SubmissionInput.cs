namespace Calendar.Core.Events;

/// <summary>The submission body: an event plus the honeypot field the form hides from people (any value fills it).</summary>
public sealed class SubmissionInput : EventInput
{
    /// <summary>A field people never see on the form; software that fills every field gives itself away.</summary>
    public const string HoneypotField = "website";

    public System.Text.Json.JsonElement? Website { get; set; }

    public bool HoneypotFilled => Website is { } w
        && w.ValueKind != System.Text.Json.JsonValueKind.Null
        && !(w.ValueKind == System.Text.Json.JsonValueKind.String && string.IsNullOrWhiteSpace(w.GetString()));
}
