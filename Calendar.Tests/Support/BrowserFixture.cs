using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace Calendar.Tests.Support;

/// <summary>
/// A fixture for headless Chromium: the app served on Kestrel (on its own database, with <see cref="Settings"/>) and
/// one browser, started once for the fixture's tests and dropped after them. A derived fixture's own
/// [OneTimeSetUp] runs after this one (NUnit runs a base class's first), so it can seed data through the app.
/// The field names are the ones the tests always used.
/// </summary>
public abstract class BrowserFixture
{
    protected CalendarApp _app = null!;
    protected Uri _base = null!;
    protected IBrowser _browser = null!;
    private IPlaywright _playwright = null!;

    protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public async Task StartAppAndBrowser()
    {
        (_app, _base) = await CalendarApp.StartOnKestrelAsync(Settings);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAppAndBrowser()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    protected string Url(string path) => new Uri(_base, path).ToString();

    /// <summary>A client of the served app with the moderator's bearer token.</summary>
    protected HttpClient ModeratorApi()
    {
        var api = new HttpClient { BaseAddress = _base };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CalendarApp.ModeratorToken);
        return api;
    }

    /// <summary>A page in a new browser context with these options.</summary>
    protected async Task<IPage> OpenPageAsync(BrowserNewContextOptions options) =>
        await (await _browser.NewContextAsync(options)).NewPageAsync();

    /// <summary>Collects the page's console errors and uncaught script errors. A 400 answer (a form with errors) or a
    /// missing favicon is logged as "Failed to load resource"; that is not a fault.</summary>
    protected static List<string> CollectProblems(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);
        return problems;
    }
}
