using System.Runtime.CompilerServices;
using Dapper;

namespace Calendar.Core.Data;

internal static class DapperSetup
{
    /// <summary>snake_case columns map to PascalCase members (password_hash -> PasswordHash) in every store, set once
    /// when this assembly loads rather than by whichever store happens to be touched first.</summary>
    [ModuleInitializer]
    internal static void MatchColumnsWithUnderscores() => DefaultTypeMap.MatchNamesWithUnderscores = true;
}
