using Microsoft.Playwright;

namespace Calendar.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven by Playwright (the driver ships in the NuGet package; no browser is
/// downloaded). scripts/test installs the chromium package when it is missing. Screenshots go to
/// TestResults/screenshots/ and their paths are printed in the test output.
/// </summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (scripts/test does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // The machine has no network beyond loopback: keep Chromium from reaching out at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    public static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(FindRepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name.EndsWith(".png") ? name : name + ".png");
    }

    /// <summary>Saves a full-page screenshot and prints its path (the test output lists every artefact).</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = ScreenshotPath(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Out.WriteLine($"Screenshot: {path}");
        TestContext.AddTestAttachment(path);
        return path;
    }

    public static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Calendar.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Calendar.sln not found above the test binaries.");
    }
}
