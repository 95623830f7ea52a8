using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using Calendar.Core.Events;

namespace Calendar.Tests.Architecture;

/// <summary>
/// The direction the README's "Code map" describes: Calendar.Core knows no HTTP, and the folders of Calendar.Api
/// (Hosting, Caching, Endpoints, Pages, ...) use each other in one direction only, with Program.cs composing them.
/// </summary>
public class DependencyDirectionTests
{
    private static readonly System.Reflection.Assembly Core = typeof(EventFilter).Assembly;
    private static readonly System.Reflection.Assembly Api = typeof(Program).Assembly;

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Loaded =
        new(() => new ArchLoader().LoadAssemblies(Core, Api).Build());

    [Test]
    public void Calendar_Core_references_no_ASP_NET_Core_assembly()
    {
        var web = Core.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ToList();
        Assert.That(web, Is.Empty, "Calendar.Core must build without the web stack (a worker, a CLI or the benchmarks use it)");
    }

    [Test]
    public void Calendar_Core_types_use_no_ASP_NET_Core_type()
    {
        // The assembly check above misses a type forwarded from another assembly; this one reads the IL.
        var offenders = Loaded.Value.Types
            .Where(t => t.Namespace?.FullName.StartsWith("Calendar.Core", StringComparison.Ordinal) == true)
            .SelectMany(t => t.Dependencies.Select(d => (From: t.FullName, To: d.Target.FullName)))
            .Where(d => d.To.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .Select(d => $"{d.From} -> {d.To}").Distinct().ToList();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void The_folders_of_Calendar_Api_form_no_cycle()
    {
        var rule = SliceRuleDefinition.Slices().Matching("Calendar.Api.(*)").Should().BeFreeOfCycles();
        var failures = rule.Evaluate(Loaded.Value).Where(r => !r.Passed).Select(r => r.Description).ToList();
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    /// <summary>The Api folders and which others each may use (the README's "Code map"); Program.cs composes them all.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Hosting"] = [],
        ["Caching"] = ["Hosting"],
        ["Endpoints"] = ["Hosting", "Caching"],
        ["Pages"] = ["Hosting", "Caching"],
    };

    private static string? Folder(IType type) =>
        type.Namespace?.FullName is { } name && name.StartsWith("Calendar.Api.", StringComparison.Ordinal) ? name.Split('.')[2] : null;

    [Test]
    public void Each_folder_of_Calendar_Api_uses_only_the_folders_below_it()
    {
        var types = Loaded.Value.Types.Where(t => Folder(t) is not null).ToList();
        Assert.That(types.Select(t => Folder(t)!).Distinct().Where(f => !MayUse.ContainsKey(f)), Is.Empty,
            "a new folder: say here and in the README's Code map what it may use");
        var wrong = types
            .SelectMany(t => t.Dependencies.Select(d => (From: t, To: d.Target)))
            .Where(d => Folder(d.To) is { } to && to != Folder(d.From) && !MayUse[Folder(d.From)!].Contains(to))
            .Select(d => $"{d.From.FullName} -> {d.To.FullName}").Distinct().ToList();
        Assert.That(wrong, Is.Empty);
    }
}
