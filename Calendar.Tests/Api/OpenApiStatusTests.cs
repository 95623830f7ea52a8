using System.Text.Json;
using Calendar.Tests.Support;

namespace Calendar.Tests.Api;

/// <summary>
/// The served OpenAPI document lists every status each route can answer, so that a client generated from it
/// knows them: the handler's own (404, 409, 412...) and those of the pipeline around it (400/413/415 from the
/// body reader, 401/403 from authorization, 429 from the rate limiter, 503 while the database is out of reach).
/// The expectations come from what the other tests see each route answer.
/// </summary>
public sealed class OpenApiStatusTests : AppFixture
{
    private const string Read = "503";
    private static readonly string[] Moderate = ["401", "403", Read];
    private static readonly string[] Body = ["400", "413", "415"];

    private static IEnumerable<(string Method, string Path, string[] Statuses)> Routes()
    {
        yield return ("get", "/api/events", ["200", "304", "400", Read]);
        yield return ("get", "/api/events/{id}", ["200", "404", Read]);
        yield return ("post", "/api/events", ["201", .. Body, .. Moderate]);
        yield return ("put", "/api/events/{id}", ["200", "404", "412", .. Body, .. Moderate]);
        yield return ("post", "/api/events/{id}/cancel", ["200", "404", "412", .. Moderate]);
        yield return ("delete", "/api/events/{id}", ["204", "404", .. Moderate]);

        yield return ("get", "/api/tags", ["200", Read]);
        yield return ("get", "/api/organizers", ["200", Read]);
        yield return ("get", "/api/languages", ["200", Read]);

        yield return ("get", "/api/feeds", ["200", Read]);
        yield return ("get", "/api/feeds/{slug}", ["200", "404", Read]);
        yield return ("post", "/api/feeds", ["201", "409", .. Body, .. Moderate]);
        yield return ("put", "/api/feeds/{slug}", ["200", "404", .. Body, .. Moderate]);
        yield return ("post", "/api/feeds/{slug}/retire", ["200", "404", .. Moderate]);

        yield return ("get", "/feeds/events.ics", ["200", "304", "400", "503"]);
        yield return ("get", "/feeds/{slug}.ics", ["200", "304", "404", "503"]);
        yield return ("get", "/events/{id}.ics", ["200", "304", "404", "503"]);
        yield return ("get", "/feeds/events.rss", ["200", "304", "400", "503"]);
        yield return ("get", "/feeds/events.atom", ["200", "304", "400", "503"]);

        yield return ("get", "/newsletter", ["200", "400", "503"]);

        yield return ("post", "/api/submissions", ["201", "202", "429", .. Body, Read]);
        yield return ("get", "/api/submissions/{token}", ["200", "404", Read]);

        yield return ("get", "/api/moderation/queue", ["200", .. Moderate]);
        yield return ("post", "/api/moderation/{id}/approve", ["200", "404", "409", .. Moderate]);
        yield return ("post", "/api/moderation/{id}/reject", ["200", "404", "409", .. Body, .. Moderate]);
        yield return ("get", "/api/moderation/{id}/history", ["200", .. Moderate]);

        yield return ("get", "/api/admin/accounts", ["200", .. Moderate]);
        yield return ("post", "/api/admin/accounts", ["201", "409", .. Body, .. Moderate]);
        yield return ("post", "/api/admin/accounts/{id}/tokens", ["201", "404", .. Body, .. Moderate]);
        yield return ("get", "/api/admin/tokens", ["200", .. Moderate]);
        yield return ("delete", "/api/admin/tokens/{id}", ["204", "404", .. Moderate]);

        yield return ("get", "/api/sources", ["200", .. Moderate]);
        yield return ("post", "/api/sources", ["201", "409", .. Body, .. Moderate]);
        yield return ("get", "/api/sources/{id}", ["200", "404", .. Moderate]);
        yield return ("put", "/api/sources/{id}", ["200", "404", "409", .. Body, .. Moderate]);
        yield return ("post", "/api/sources/{id}/pause", ["200", "404", "409", .. Moderate]);
        yield return ("post", "/api/sources/{id}/resume", ["200", "404", "409", .. Moderate]);
        yield return ("post", "/api/sources/{id}/retire", ["200", "404", "409", .. Moderate]);
        yield return ("post", "/api/sources/{id}/run", ["200", "400", "404", "409", .. Moderate]);
    }

    private static IEnumerable<TestCaseData> Cases() =>
        Routes().Select(r => new TestCaseData(r.Method, r.Path, r.Statuses).SetName($"{r.Method.ToUpperInvariant()} {r.Path} documents its statuses"));

    private JsonElement _paths;

    protected override async Task SeedAsync()
    {
        var response = await App.Anonymous().GetAsync("/openapi/v1.json");
        Assert.That(response.IsSuccessStatusCode, Is.True);
        _paths = (await response.JsonAsync()).GetProperty("paths");
    }

    [TestCaseSource(nameof(Cases))]
    public void Route(string method, string path, string[] statuses)
    {
        Assert.That(_paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out var operation), Is.True,
            $"{method} {path} is in the document");
        var documented = _paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.That(documented, Is.SupersetOf(statuses), $"{method} {path} documents {string.Join(", ", documented)}");
    }

    [Test]
    public void Problem_answers_are_documented_as_problem_documents()
    {
        var undeclared = new List<string>();
        foreach (var (method, path, statuses) in Routes())
        {
            var responses = _paths.GetProperty(path).GetProperty(method).GetProperty("responses");
            // The newsletter is a page: while the database is away it answers the HTML "temporarily unavailable" page.
            foreach (var status in statuses.Where(s => s[0] is '4' or '5' && !(path == "/newsletter" && s == "503")))
            {
                if (!responses.TryGetProperty(status, out var response)
                    || !response.TryGetProperty("content", out var content)
                    || !content.TryGetProperty("application/problem+json", out _))
                    undeclared.Add($"{method} {path} {status}");
            }
        }
        Assert.That(undeclared, Is.Empty);
    }

    [Test]
    public void Every_operation_in_the_document_has_its_statuses_checked_here()
    {
        var known = Routes().Select(r => $"{r.Method} {r.Path}").ToHashSet();
        var listed = _paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name != "head" && o.Name != "parameters").Select(o => $"{o.Name} {p.Name}"))
            .ToList();
        Assert.That(listed.Where(o => !known.Contains(o)), Is.Empty, "a new route needs its statuses listed in this test");
    }
}
