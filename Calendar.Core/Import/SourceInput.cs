using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;

namespace Calendar.Core.Import;

/// <summary>A source as a moderator writes it (JSON body or the /admin form).</summary>
public sealed class SourceInput : INormalizable<SourceInput>
{
    public string? Name { get; set; }
    public string? Url { get; set; }
    public string? Organizer { get; set; }
    public string? Kind { get; set; }
    public List<string>? Tags { get; set; }
    public bool? AutoPublish { get; set; }
    public string? TimeZone { get; set; }

    public SourceInput Normalized() => new()
    {
        Name = Name?.Trim(),
        // webcal:// is how calendar sites link a subscription; it means the same address over https.
        Url = Url?.Trim() is { } u && u.StartsWith("webcal://", StringComparison.OrdinalIgnoreCase) ? "https://" + u[9..] : Url?.Trim(),
        Organizer = Organizer?.Trim(),
        Kind = string.IsNullOrWhiteSpace(Kind) ? "other" : Kind.Trim().ToLowerInvariant(),
        Tags = Tags?.Select(t => t?.Trim().ToLowerInvariant() ?? "").Where(t => t.Length > 0).Distinct().ToList() ?? [],
        AutoPublish = AutoPublish ?? false,
        TimeZone = string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone.Trim(),
    };

    /// <summary>The stored fields of a normalized input that passed <see cref="SourceInputValidator"/>.</summary>
    public SourceFields ToFields() => new(Name!, Url!, Organizer!, Kind!, [.. Tags!], AutoPublish!.Value, TimeZone);

    public static SourceInput From(Source s) => new()
    {
        Name = s.Name, Url = s.Url, Organizer = s.Organizer, Kind = s.Kind, Tags = [.. s.Tags], AutoPublish = s.AutoPublish, TimeZone = s.TimeZone,
    };
}

public sealed class SourceInputValidator : AbstractValidator<SourceInput>
{
    public SourceInputValidator()
    {
        RuleFor(x => x.Name)
            .NotEmpty().WithMessage("Name the source, e.g. after the partner whose calendar it is.")
            .MaximumLength(120).WithMessage("Keep the name to 120 characters or fewer (it has {TotalLength}).")
            .Must(n => !InputParsing.HasForbiddenCharacters(n!, multiLine: false)).When(x => x.Name is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The name must be one line of plain text.");
        RuleFor(x => x.Url)
            .NotEmpty().WithMessage("Give the address of the partner's calendar feed (https://…/calendar.ics).")
            .MaximumLength(2000).WithMessage("The address may have at most 2,000 characters.")
            .Must(u => InputParsing.IsHttpUrl(u)).When(x => !string.IsNullOrEmpty(x.Url), ApplyConditionTo.CurrentValidator)
                .WithMessage("The address must be an http:// or https:// URL (for webcal://, write https:// instead).");
        RuleFor(x => x.Organizer)
            .NotEmpty().WithMessage("Name the organizer given to events whose feed names none.")
            .MaximumLength(200).WithMessage("Keep the organizer to 200 characters or fewer.")
            .Must(n => !InputParsing.HasForbiddenCharacters(n!, multiLine: false)).When(x => x.Organizer is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The organizer must be one line of plain text.");
        RuleFor(x => x.Kind)
            .Must(Vocabulary.IsKind).WithMessage($"Kind must be one of: {string.Join(", ", Vocabulary.Kinds)}.");
        RuleFor(x => x.Tags)
            .Must(t => t!.Count <= EventInputValidator.MaxListItems).When(x => x.Tags is not null)
            .WithMessage($"Give at most {EventInputValidator.MaxListItems} tags.");
        RuleForEach(x => x.Tags)
            .Must(InputParsing.IsSlug).WithMessage("A tag is lower-case letters, digits and hyphens, such as labour-exploitation.");
        RuleFor(x => x.TimeZone)
            .Must(z => TimeZones.Find(z) is not null).When(x => x.TimeZone is not null)
            .WithMessage("Give an IANA time zone such as Europe/Vienna, or leave it empty.");
    }
}
