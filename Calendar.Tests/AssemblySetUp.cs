using Calendar.Tests.Support;

namespace Calendar.Tests;

/// <summary>Runs once for every test in the assembly (NUnit applies a set-up fixture to its namespace and below).</summary>
[SetUpFixture]
public sealed class AssemblySetUp
{
    [OneTimeSetUp]
    public Task CreateTemplate() => TestDatabase.CreateTemplateAsync();

    [OneTimeTearDown]
    public Task DropTemplate() => TestDatabase.DropTemplateAsync();
}
