using Calendar.Tests.Support;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

public sealed class DocsPageTests
{
    [Test]
    public async Task The_API_reference_at_docs_lists_the_events_routes_in_a_real_browser()
    {
        var (app, baseAddress) = await CalendarApp.StartOnKestrelAsync();
        await using var _ = app;
        var (playwright, browser) = await Support.Browser.LaunchAsync();
        using var __ = playwright;
        await using var ___ = browser;

        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(new Uri(baseAddress, "/docs").ToString());
        Assert.That(response!.Status, Is.EqualTo(200));
        await page.GetByText("/api/events/{id}").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        await Support.Browser.ScreenshotAsync(page, "docs");
    }
}
