using Calendar.Tests.Support;
using Microsoft.Playwright;

namespace Calendar.Tests.Browser;

public sealed class DocsPageTests : BrowserFixture
{
    [Test]
    public async Task The_API_reference_at_docs_lists_the_events_routes_in_a_real_browser()
    {
        var page = await _browser.NewPageAsync();
        var response = await page.GotoAsync(Url("/docs"));
        Assert.That(response!.Status, Is.EqualTo(200));
        await page.GetByText("/api/events/{id}").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        await Support.Browser.ScreenshotAsync(page, "docs");
    }
}
