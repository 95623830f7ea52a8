using System.Text.RegularExpressions;
using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;

namespace Calendar.Core.Feeds;

/// <summary>The body of POST/PUT /api/feeds: a named feed's slug (POST only), title, description and saved filter.</summary>
public sealed record FeedInput : INormalizable<FeedInput>
{
    public const int MaxFilterLength = 1000;

    public string? Slug { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    /// <summary>A query string with the filters of /feeds/events.ics, e.g. "kind=webinar&amp;tag=migration".</summary>
    public string? Filter { get; init; }
    public bool? Retired { get; init; }

    public FeedInput Normalized() => this with
    {
        Slug = Slug?.Trim(),
        Title = Title?.Trim(),
        Description = Description?.Trim() ?? "",
        Filter = Filter?.Trim() ?? "",
    };

    /// <summary>The feed a normalized input that passed <see cref="FeedInputValidator"/> describes; the filter is
    /// stored in its canonical, percent-encoded form.</summary>
    public NamedFeed ToFeed(string slug) => new()
    {
        Slug = slug, Title = Title!, Description = Description ?? "",
        Filter = EventFilter.Parse(Filter ?? "").Filter!.CanonicalQuery(), Retired = Retired ?? false,
    };
}

public sealed partial class FeedInputValidator : AbstractValidator<FeedInput>
{
    /// <summary>A new feed names its slug; an edited one keeps the slug of its URL.</summary>
    public const string NewFeed = "new-feed";

    public FeedInputValidator()
    {
        RuleSet(NewFeed, () => RuleFor(x => x.Slug).Custom((slug, context) =>
        {
            if (string.IsNullOrEmpty(slug) || slug.Length is < 2 or > 60 || !SlugPattern().IsMatch(slug))
                context.AddFailure("The slug must be 2-60 lowercase letters or digits joined by hyphens, e.g. labour-exploitation.");
            else if (slug == "events")
                context.AddFailure("'events' is reserved: /feeds/events.ics is the filtered feed.");
        }));
        RuleFor(x => x.Title)
            .Must(t => !string.IsNullOrEmpty(t) && t.Length <= 120 && !InputParsing.HasForbiddenCharacters(t, multiLine: false))
            .WithMessage("The title is required: plain text of at most 120 characters.");
        RuleFor(x => x.Description)
            .Must(d => d is null || (d.Length <= 500 && !InputParsing.HasForbiddenCharacters(d, multiLine: false)))
            .WithMessage("The description must be plain text on one line, at most 500 characters.");
        RuleFor(x => x.Filter).Custom((filter, context) =>
        {
            filter ??= "";
            if (filter.Length > FeedInput.MaxFilterLength)
            {
                context.AddFailure($"The filter must be a query string of at most {FeedInput.MaxFilterLength} characters.");
                return;
            }
            var parsed = EventFilter.Parse(filter);
            if (parsed.Filter is null)
            {
                foreach (var (name, messages) in parsed.Errors)
                foreach (var message in messages)
                    context.AddFailure($"filter.{name}", message);
            }
            // What is stored is the percent-encoded canonical form, which can be longer than what was sent.
            else if (parsed.Filter.CanonicalQuery().Length > FeedInput.MaxFilterLength)
                context.AddFailure($"The filter is too long once encoded (at most {FeedInput.MaxFilterLength} characters): shorten q or organizer.");
        });
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
