namespace Calendar.Tests.Support;

/// <summary>A test fixture with its own app and database, started once for its tests and dropped after them.
/// Override <see cref="SeedAsync"/> to add the fixture's data.</summary>
public abstract class AppFixture
{
    protected CalendarApp App { get; private set; } = null!;

    protected virtual IDictionary<string, string?>? Settings => null;

    protected virtual Task SeedAsync() => Task.CompletedTask;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        App = await CalendarApp.StartAsync(Settings);
        await SeedAsync();
    }

    [OneTimeTearDown]
    public async Task StopApp() => await App.DisposeAsync();
}
