using Calendar.Core.Data;
using Microsoft.AspNetCore.Identity;

namespace Calendar.Api.Hosting;

/// <summary>ASP.NET Core Identity's PasswordHasher (PBKDF2, per-password salt, versioned format) behind Calendar.Core's
/// interface, so Core stays free of the web stack and the hashes stored so far keep verifying.</summary>
public sealed class IdentityPasswordHashing : IPasswordHashing
{
    private static readonly Account Nobody = new(); // Identity's hasher takes a user but does not read it.
    private readonly PasswordHasher<Account> hasher = new();

    public string Hash(string password) => hasher.HashPassword(Nobody, password);

    public PasswordCheck Verify(string hash, string password) => hasher.VerifyHashedPassword(Nobody, hash, password) switch
    {
        PasswordVerificationResult.Success => PasswordCheck.Success,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
        _ => PasswordCheck.Failed,
    };
}
