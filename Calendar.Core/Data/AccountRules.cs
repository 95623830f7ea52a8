using Calendar.Core.Events;

namespace Calendar.Core.Data;

/// <summary>What a new account and a token name must be, for /api/admin and the /admin/accounts page alike;
/// the errors are keyed by field.</summary>
public static class AccountRules
{
    public static Dictionary<string, string[]> CheckAccount(string? email, string? role, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (!InputParsing.IsEmail(email?.Trim())) errors["email"] = ["Give an e-mail address such as name@example.org."];
        if (role is null || !AccountRoles.All.Contains(role)) errors["role"] = ["Role must be moderator or coordinator."];
        if (!string.IsNullOrEmpty(password) && AccountStore.CheckPassword(password) is { } message) errors["password"] = [message];
        return errors;
    }

    public static string? CheckTokenName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100 || InputParsing.HasForbiddenCharacters(name, multiLine: false)
            ? "Name the token (up to 100 characters), e.g. after the system that will use it."
            : null;
}
