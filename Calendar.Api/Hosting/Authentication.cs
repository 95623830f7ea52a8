using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Calendar.Api.Hosting;

public static class Policies
{
    /// <summary>Moderators only.</summary>
    public const string Moderate = "moderate";
    /// <summary>Coordinators and moderators: may create events and change their own.</summary>
    public const string Contribute = "contribute";
}

/// <summary>Resolves a bearer token to a principal. The bootstrap token is one source; stored API tokens another.</summary>
public interface IBearerTokenResolver
{
    Task<ClaimsPrincipal?> ResolveAsync(string token, CancellationToken ct);
}

public sealed class BootstrapTokenResolver(IOptions<CalendarOptions> options) : IBearerTokenResolver
{
    public Task<ClaimsPrincipal?> ResolveAsync(string token, CancellationToken ct)
    {
        var expected = options.Value.BootstrapAdminToken;
        if (string.IsNullOrEmpty(expected)) return Task.FromResult<ClaimsPrincipal?>(null);
        // Compare digests so the comparison takes the same time whatever the lengths.
        var same = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        if (!same) return Task.FromResult<ClaimsPrincipal?>(null);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "bootstrap administrator"), new Claim(ClaimTypes.Role, AccountRole.Moderator)],
            BearerAuthenticationHandler.Scheme);
        return Task.FromResult<ClaimsPrincipal?>(new ClaimsPrincipal(identity));
    }
}

/// <summary>
/// "Authorization: Bearer &lt;token&gt;". No header means anonymous; an unknown token fails, so a route that
/// needs a caller answers 401, while public routes ignore it. Challenges and refusals are problem documents.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IEnumerable<IBearerTokenResolver> resolvers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Only bearer tokens are accepted.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 512) return AuthenticateResult.Fail("Malformed token.");
        foreach (var resolver in resolvers)
        {
            if (await resolver.ResolveAsync(token, Context.RequestAborted) is { } principal)
                return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme));
        }
        return AuthenticateResult.Fail("Unknown or revoked token.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, "Authentication required",
            "Send 'Authorization: Bearer <token>' with a valid token.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "Not allowed",
            "Your token does not allow this action.");
}

/// <summary>The caller of a request, as the endpoints need it.</summary>
public sealed record Caller(bool IsModerator, bool IsCoordinator, Guid? AccountId)
{
    public static Caller From(ClaimsPrincipal user) => new(
        user.IsInRole(AccountRole.Moderator),
        user.IsInRole(AccountRole.Coordinator),
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null);

    /// <summary>Which events this caller may change and see privately: moderators any, others what they own.</summary>
    public Calendar.Core.Data.EventScope Scope => IsModerator
        ? Calendar.Core.Data.EventScope.Moderator
        : Calendar.Core.Data.EventScope.Owner(AccountId ?? Guid.Empty);
}
