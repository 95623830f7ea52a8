using Calendar.Core.Data;
using Calendar.Core.Events;

namespace Calendar.Api.Hosting;

/// <summary>
/// Commands of the service for the first moderator of a new installation (no account exists yet to create one):
/// <c>create-moderator &lt;email&gt;</c> and <c>set-password &lt;email&gt;</c>. The password is read from standard
/// input: typed twice without echo at a terminal, or the first line of a pipe (for automation).
/// </summary>
public static class AccountCommands
{
    public static async Task<int> CreateModeratorAsync(WebApplication app, string[] args) =>
        await RunAsync(app, args, "create-moderator", async (accounts, email, password, ct) =>
        {
            if (await accounts.CreateAsync(email, AccountRole.Moderator, password, "create-moderator command", ct) is null)
                return $"An account for {email} exists already; use set-password to change its password.";
            return null;
        });

    public static async Task<int> SetPasswordAsync(WebApplication app, string[] args) =>
        await RunAsync(app, args, "set-password", async (accounts, email, password, ct) =>
            await accounts.FindByEmailAsync(email, ct) is { } account
                ? (await accounts.SetPasswordAsync(account.Id, password, ct) ? null : "The password could not be saved.")
                : $"There is no account for {email}.");

    private static async Task<int> RunAsync(WebApplication app, string[] args, string command,
        Func<AccountStore, string, string, CancellationToken, Task<string?>> action)
    {
        var at = Array.IndexOf(args, command);
        var email = at + 1 < args.Length ? args[at + 1].Trim() : "";
        if (!InputParsing.IsEmail(email))
        {
            Console.Error.WriteLine($"Usage: dotnet Calendar.Api.dll {command} <email>   (the password is read from standard input)");
            return 2;
        }
        var password = ReadPassword();
        if (AccountStore.CheckPassword(password) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        app.Services.GetRequiredService<DatabaseSetup>().Migrate();
        var failure = await action(app.Services.GetRequiredService<AccountStore>(), email, password!, CancellationToken.None);
        if (failure is not null)
        {
            Console.Error.WriteLine(failure);
            return 1;
        }
        Console.WriteLine(command == "create-moderator"
            ? $"Moderator {AccountStore.NormalizeEmail(email)} created. Sign in at /login."
            : $"Password of {AccountStore.NormalizeEmail(email)} changed; the account is unlocked.");
        return 0;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.ReadLine()?.TrimEnd('\r', '\n');
        var first = Prompt("Password (at least 12 characters): ");
        var second = Prompt("Same password again: ");
        if (first != second)
        {
            Console.Error.WriteLine("The two passwords differ.");
            return null;
        }
        return first;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; continue; }
            if (!char.IsControl(key.KeyChar)) chars.Append(key.KeyChar);
        }
        Console.WriteLine();
        return chars.ToString();
    }
}
