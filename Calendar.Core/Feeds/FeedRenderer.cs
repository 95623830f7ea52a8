using Calendar.Core.Events;

namespace Calendar.Core.Feeds;

/// <summary>
/// Renders a feed within Google's size limit: Google drops whatever lies beyond about 1 MB, so when the full
/// feed is larger, long descriptions are cut (with a pointer to the event page) until it fits. Events are never
/// left out for size. When even cutting every description cannot bring it under, the full text is kept:
/// clients without the limit then lose nothing.
/// </summary>
public static class FeedRenderer
{
    public const int SizeBudget = 900 * 1024;

    public static IcsResult Render(IReadOnlyList<Event> events, FeedHeader header, IcsOptions options)
    {
        var full = IcsWriter.Feed(events, header, options);
        var size = full.Bytes.Length;
        if (size <= SizeBudget || size - full.DescriptionBytes > SizeBudget * 0.9) return full;

        var totalChars = events.Sum(e => (long)e.Description.Length);
        if (totalChars == 0) return full;
        var bytesPerChar = (double)full.DescriptionBytes / totalChars;
        const int suffixBytes = 60;
        var excess = size - SizeBudget * 0.95;

        // The largest per-event cap whose estimated saving covers the excess.
        int low = 0, high = events.Max(e => e.Description.Length);
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            var saving = events.Sum(e => e.Description.Length > mid ? (e.Description.Length - mid) * bytesPerChar - suffixBytes : 0);
            if (saving >= excess) low = mid; else high = mid - 1;
        }
        var cut = IcsWriter.Feed(events, header, options with { MaxDescriptionChars = low });
        return cut.Bytes.Length <= SizeBudget ? cut : IcsWriter.Feed(events, header, options with { MaxDescriptionChars = 0 });
    }
}
