using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Calendar.Core.Events;

namespace Calendar.Api.Pages;

/// <summary>
/// The two snippets a partner copies from the home page for the current filter. Every value is encoded for the
/// attribute it lands in, so a filter's text cannot open a tag in the partner's page.
/// </summary>
public static class EmbedSnippets
{
    public const int Limit = 5;

    public static string Iframe(Uri baseUri, EventFilter filter)
    {
        var src = baseUri.AbsoluteUri.TrimEnd('/') + "/embed"
                  + filter.ToQueryString(KeyValuePair.Create("limit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"<iframe src=\"{Attr(src)}\" title=\"{Attr(Title(filter))}\" width=\"100%\" height=\"420\" " +
               "style=\"border:0\" loading=\"lazy\"></iframe>";
    }

    public static string Script(Uri baseUri, string versionedPath, EventFilter filter)
    {
        var snippet = new StringBuilder($"<script src=\"{Attr(baseUri.AbsoluteUri.TrimEnd('/') + versionedPath)}\"");
        foreach (var group in filter.ToQuery().GroupBy(p => p.Key))
            snippet.Append($" data-{group.Key}=\"{Attr(string.Join(',', group.Select(p => p.Value)))}\"");
        snippet.Append($" data-limit=\"{Limit}\" data-theme=\"auto\" async></script>");
        return snippet.ToString();
    }

    private static string Title(EventFilter filter) =>
        (filter.To <= DateTime.UtcNow ? "Events: " : "Upcoming events: ") + Calendar.Core.Feeds.FeedTitle.For(filter);

    // Readable non-Latin text (a title with an em dash or Cyrillic) while <, >, &, quotes stay encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Attr(string value) => Encoder.Encode(value);
}
