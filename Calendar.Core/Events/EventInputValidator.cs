using FluentValidation;
using NodaTime;

namespace Calendar.Core.Events;

/// <summary>
/// The single judge of an <see cref="EventInput"/>: the JSON API, the submission form and the sample-data
/// import all run it. Messages are written for the person who typed the value.
/// The "submission" rule set adds what the public form asks for on top (an organizer).
/// </summary>
public sealed class EventInputValidator : AbstractValidator<EventInput>
{
    public const string SubmissionRules = "submission";
    public const int MaxAllDaySpanDays = 3660, MaxTimedSpanDays = 366, MaxListItems = 20;

    public EventInputValidator()
    {
        RuleFor(x => x.Title)
            .NotEmpty().WithMessage("Give the event a title.")
            .MaximumLength(200).WithMessage("Keep the title to 200 characters or fewer (it has {TotalLength}).")
            .Must(t => !InputParsing.HasForbiddenCharacters(t!, multiLine: false))
                .When(x => x.Title is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The title must be one line of plain text, without control or direction-override characters.");

        RuleFor(x => x.Description)
            .MaximumLength(10_000).WithMessage("Keep the description to 10,000 characters or fewer (it has {TotalLength}).")
            .Must(d => !InputParsing.HasForbiddenCharacters(d!, multiLine: true))
                .When(x => x.Description is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The description must be plain text; control and direction-override characters are not allowed.");

        RuleFor(x => x.Kind)
            .NotEmpty().WithMessage("Choose what kind of event this is.")
            .Must(Vocabulary.IsKind).When(x => !string.IsNullOrEmpty(x.Kind), ApplyConditionTo.CurrentValidator)
                .WithMessage($"Kind must be one of: {string.Join(", ", Vocabulary.Kinds)}.");

        RuleFor(x => x.Status)
            .Must(s => Vocabulary.Statuses.Contains(s!)).When(x => x.Status is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"Status must be one of: {string.Join(", ", Vocabulary.Statuses)}.");

        RuleFor(x => x.AllDay).NotNull().WithMessage("Say whether the event lasts whole days (allDay true) or has times (false).");

        When(x => x.AllDay == true, AllDayRules);
        When(x => x.AllDay == false, TimedRules);

        RuleFor(x => x.Recurrence!)
            .MaximumLength(500)
            .Custom((rule, context) =>
            {
                var input = context.InstanceToValidate;
                if (FirstStart(input) is not { } start) return;
                var zone = input.AllDay == true ? null : TimeZones.Find(input.TimeZone);
                if (Events.Recurrence.Check(rule, start, input.AllDay == true, zone) is { } message)
                    context.AddFailure(message);
            })
            .When(x => x.Recurrence is not null, ApplyConditionTo.CurrentValidator);

        RuleFor(x => x.Location!).ChildRules(location =>
        {
            location.RuleFor(l => l.Venue).MaximumLength(200).Must(SingleLine!).When(l => l.Venue is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The venue must be one line of at most 200 characters.");
            location.RuleFor(l => l.Address).MaximumLength(300).Must(SingleLine!).When(l => l.Address is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The address must be one line of at most 300 characters.");
            location.RuleFor(l => l.City).MaximumLength(100).Must(SingleLine!).When(l => l.City is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The city must be one line of at most 100 characters.");
            location.RuleFor(l => l.Country)
                .Must(c => Vocabulary.Countries.Contains(c!)).When(l => l.Country is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("Country must be an ISO 3166-1 two-letter code such as BE, AT or PL.");
        }).When(x => x.Location is not null, ApplyConditionTo.CurrentValidator);

        RuleFor(x => x.Online!.JoinUrl)
            .Must(InputParsing.IsHttpUrl).When(x => x.Online?.JoinUrl is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("The join link must be a full web address starting with https:// or http://.");

        RuleFor(x => x.Organizers)
            .Must(o => o!.Count <= MaxListItems).When(x => x.Organizers is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"List at most {MaxListItems} organizers.")
            .Must(o => o!.Distinct(StringComparer.OrdinalIgnoreCase).Count() == o!.Count).When(x => x.Organizers is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("Each organizer should be listed once.");
        RuleForEach(x => x.Organizers)
            .NotEmpty().WithMessage("An organizer's name cannot be empty.")
            .MaximumLength(200).WithMessage("An organizer's name can have at most 200 characters.")
            .Must(o => o is null || SingleLine(o)).WithMessage("An organizer's name must be one line of plain text.");

        RuleFor(x => x.Tags)
            .Must(t => t!.Count <= MaxListItems).When(x => x.Tags is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"Use at most {MaxListItems} tags.");
        RuleForEach(x => x.Tags)
            .Must(InputParsing.IsSlug)
            .WithMessage("Tags are lowercase words joined by hyphens, such as labour-exploitation (at most 50 characters).");

        RuleFor(x => x.Language)
            .Must(InputParsing.IsLanguageTag).When(x => x.Language is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("Language must be a language code such as en, fr or pt-BR.");

        RuleFor(x => x.RegistrationUrl)
            .Must(InputParsing.IsHttpUrl).When(x => x.RegistrationUrl is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("The registration link must be a full web address starting with https:// or http://.");
        RuleFor(x => x.MoreInfoUrl)
            .Must(InputParsing.IsHttpUrl).When(x => x.MoreInfoUrl is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("The more-information link must be a full web address starting with https:// or http://.");
        RuleFor(x => x.ContactEmail)
            .Must(InputParsing.IsEmail).When(x => x.ContactEmail is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("The contact e-mail must look like name@example.org.");

        RuleSet(SubmissionRules, () =>
        {
            RuleFor(x => x.Organizers)
                .Must(o => o is { Count: > 0 })
                .WithMessage("Name at least one organizing organisation.");
        });
    }

    private void AllDayRules()
    {
        RuleFor(x => x.StartsOn)
            .NotEmpty().WithMessage("Give the first day of the event.")
            .Must(v => InputParsing.Date(v) is not null).When(x => !string.IsNullOrEmpty(x.StartsOn), ApplyConditionTo.CurrentValidator)
            .WithMessage($"The first day must be a date written YYYY-MM-DD, between {InputParsing.MinYear} and {InputParsing.MaxYear}.");
        RuleFor(x => x.EndsOn)
            .Must(v => InputParsing.Date(v) is not null).When(x => x.EndsOn is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"The last day must be a date written YYYY-MM-DD, between {InputParsing.MinYear} and {InputParsing.MaxYear}.");
        RuleFor(x => x.EndsOn)
            .Must((x, endsOn) => InputParsing.Date(endsOn) >= InputParsing.Date(x.StartsOn))
            .When(x => InputParsing.Date(x.StartsOn) is not null && InputParsing.Date(x.EndsOn) is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("The last day cannot be before the first day.")
            .Must((x, endsOn) => InputParsing.Date(endsOn)!.Value.DayNumber - InputParsing.Date(x.StartsOn)!.Value.DayNumber <= MaxAllDaySpanDays)
            .When(x => InputParsing.Date(x.StartsOn) is not null && InputParsing.Date(x.EndsOn) is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage("An event can last at most ten years.");
        RuleFor(x => x.StartsAt).Null().WithMessage("Leave startsAt out for an all-day event; use startsOn.");
        RuleFor(x => x.EndsAt).Null().WithMessage("Leave endsAt out for an all-day event; use endsOn.");
        RuleFor(x => x.TimeZone).Null().WithMessage("All-day events have no time zone: they fall on the same dates everywhere.");
    }

    private void TimedRules()
    {
        RuleFor(x => x.StartsOn).Null().WithMessage("Leave startsOn out for an event with times; use startsAt.");
        RuleFor(x => x.EndsOn).Null().WithMessage("Leave endsOn out for an event with times; use endsAt.");

        RuleFor(x => x.TimeZone)
            .NotEmpty().WithMessage("Choose the time zone the times are in, such as Europe/Brussels.")
            .Must(z => TimeZones.Find(z) is not null).When(x => !string.IsNullOrEmpty(x.TimeZone), ApplyConditionTo.CurrentValidator)
            .WithMessage("Time zone must be an IANA name such as Europe/Brussels or America/New_York.");

        RuleFor(x => x.StartsAt).Custom((value, context) => CheckLocal(value, context, "start"));
        RuleFor(x => x.EndsAt).Custom((value, context) => CheckLocal(value, context, "end"));

        RuleFor(x => x.EndsAt)
            .Must((x, _) => TimedInstants(x) is not { } t || t.End > t.Start)
            .WithMessage("The end must be after the start.")
            .Must((x, _) => TimedInstants(x) is not { } t || (t.End - t.Start) <= Duration.FromDays(MaxTimedSpanDays))
            .WithMessage("An event with times can last at most a year; use an all-day event for longer periods.");
    }

    private static void CheckLocal(string? value, ValidationContext<EventInput> context, string which)
    {
        if (string.IsNullOrEmpty(value))
        {
            context.AddFailure($"Give the {which} date and time, such as 2026-05-04T14:00.");
            return;
        }
        if (InputParsing.HasOffset(value))
        {
            context.AddFailure($"Write the {which} as local time without an offset or Z (2026-05-04T14:00) and give the zone in timeZone.");
            return;
        }
        if (InputParsing.LocalDateTime(value) is not { } local)
        {
            context.AddFailure($"The {which} must be a date and time written YYYY-MM-DDTHH:MM, between {InputParsing.MinYear} and {InputParsing.MaxYear}.");
            return;
        }
        if (TimeZones.Find(context.InstanceToValidate.TimeZone) is { } zone && TimeZones.ToInstant(local, zone) is null)
        {
            var after = zone.AtLeniently(local).LocalDateTime;
            context.AddFailure(
                $"{local:HH':'mm} on {local:uuuu'-'MM'-'dd} does not exist in {zone.Id}: the clocks go forward then. " +
                $"Did you mean {after:HH':'mm}?");
        }
    }

    private static LocalDateTime? FirstStart(EventInput x) => x.AllDay switch
    {
        true => InputParsing.Date(x.StartsOn) is { } d ? LocalDate.FromDateOnly(d).AtMidnight() : null,
        false => InputParsing.LocalDateTime(x.StartsAt),
        null => null,
    };

    private static (Instant Start, Instant End)? TimedInstants(EventInput x)
    {
        if (TimeZones.Find(x.TimeZone) is not { } zone
            || InputParsing.LocalDateTime(x.StartsAt) is not { } start
            || InputParsing.LocalDateTime(x.EndsAt) is not { } end
            || TimeZones.ToInstant(start, zone) is not { } s
            || TimeZones.ToInstant(end, zone) is not { } e)
            return null;
        return (s, e);
    }

    private static bool SingleLine(string value) => !InputParsing.HasForbiddenCharacters(value, multiLine: false);
}
