using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;

namespace Calendar.Core.Import;

/// <summary>Registering or changing a partner feed, for /api/sources and the /admin/sources pages alike.</summary>
public static class SourceRules
{
    /// <summary>How many recent runs a source's answer and page show.</summary>
    public const int RecentRuns = 20;

    /// <summary>Validates and normalizes; the errors are keyed by field.</summary>
    public static async Task<(SourceFields?, Dictionary<string, string[]>)> CheckAsync(SourceInput raw, IValidator<SourceInput> validator,
        SourceStore sources, Guid? except, CancellationToken ct)
    {
        var input = raw.Normalized();
        var result = await validator.ValidateAsync(input, ct);
        var errors = EventValidation.ToErrors(result).ToDictionary();
        if (errors.Count == 0 && await DuplicateUrlAsync(input, sources, except, ct) is { } message)
            errors["url"] = [message];
        return (errors.Count == 0 ? input.ToFields() : null, errors);
    }

    /// <summary>Two live sources never fetch one address; said by name before the database's constraint would.</summary>
    public static async Task<string?> DuplicateUrlAsync(SourceInput input, SourceStore sources, Guid? except, CancellationToken ct) =>
        await sources.FindByUrlAsync(input.Url!, except, ct) is { } other ? $"The source “{other.Name}” already fetches this address." : null;
}
