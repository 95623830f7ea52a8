using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Calendar.Core.Events;
using Microsoft.Extensions.Caching.Memory;

namespace Calendar.Tests.Architecture;

/// <summary>Several instances share one database: nothing may live in one process's static fields.</summary>
public class StaticStateTests
{
    /// <summary>Collections that a static field could fill at run time: state of one process, which the service must not keep.</summary>
    private static readonly Type[] MutableCollections =
        [typeof(Dictionary<,>), typeof(ConcurrentDictionary<,>), typeof(HashSet<>), typeof(List<>), typeof(ConcurrentBag<>), typeof(ConcurrentQueue<>)];

    [Test]
    public void No_static_field_of_Core_or_Api_holds_state()
    {
        // Caches are DI services with a bound (Calendar.Api/Caching); static fields are constants, frozen tables or readonly
        // values. A readonly array nobody writes counts as a table.
        static bool Mutable(Type type) =>
            type.IsGenericType && MutableCollections.Contains(type.GetGenericTypeDefinition()) || type == typeof(MemoryCache);
        var offenders = new[] { typeof(EventFilter).Assembly, typeof(Program).Assembly }.SelectMany(a => a.GetTypes())
            .Where(t => t.Namespace?.StartsWith("Calendar.", StringComparison.Ordinal) == true && !t.IsDefined(typeof(CompilerGeneratedAttribute), true))
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsLiteral && !f.IsDefined(typeof(CompilerGeneratedAttribute)) && (!f.IsInitOnly || Mutable(f.FieldType)))
            .Select(f => $"{f.DeclaringType!.FullName}.{f.Name}").ToList();
        Assert.That(offenders, Is.Empty);
    }
}
