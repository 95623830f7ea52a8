using System.Text.Json;
using Microsoft.Playwright;

namespace Calendar.Tests.Support;

/// <summary>axe-core (npm, locked in Calendar.Tests/Browser) injected into a page.</summary>
public static class Axe
{
    /// <summary>The serious and critical violations on the page, one line each, prefixed with <paramref name="label"/>
    /// when given (so one list can collect several pages).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string? label = null)
    {
        await page.AddScriptTagAsync(new() { Path = Path.Combine(Browser.FindRepositoryRoot(), "Calendar.Tests", "Browser", "node_modules", "axe-core", "axe.min.js") });
        var audit = await page.EvaluateAsync<JsonElement>("""
            async () => {
                const result = await axe.run(document, { iframes: false });
                return {
                    passes: result.passes.length,
                    violations: result.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
                };
            }
            """);
        Assert.That(audit.GetProperty("passes").GetInt32(), Is.GreaterThan(10), $"axe ran its rules on {label ?? page.Url}");
        return audit.GetProperty("violations").EnumerateArray().Select(v => label is null ? v.GetString() ?? "" : $"{label}: {v.GetString()}").ToList();
    }
}
