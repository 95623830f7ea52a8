using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>Limits against abuse, section "Calendar:Limits". They count per client IP address, across all instances.</summary>
public sealed class AbuseLimits
{
    public const string Section = "Calendar:Limits";
    [Range(1, 100_000)] public int SubmissionsPerHour { get; set; } = 30;
    [Range(1, 100_000)] public int LoginsPerFiveMinutes { get; set; } = 20;
}

public static class RateLimits
{
    public const string Submissions = "submissions";
    public const string Logins = "logins";
}

/// <summary>Principals for signed-in accounts and stored tokens: role, account id (ownership) and e-mail.</summary>
public static class AccountPrincipal
{
    public static ClaimsPrincipal Create(Account account, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, account.Id.ToString()),
        new Claim(ClaimTypes.Name, account.Email),
        new Claim(ClaimTypes.Role, account.Role),
        new Claim(StampClaim, account.SessionStamp.ToString()),
    ], scheme));

    public const string StampClaim = "calendar:session-stamp";

    /// <summary>A sign-in cookie is honoured only while its account exists with the same role and password
    /// (a new password changes the stamp), so a changed or removed account loses its sessions everywhere.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        var valid = user is not null
            && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            && await accounts.FindAsync(id, context.HttpContext.RequestAborted) is { } account
            && account.Role == user.FindFirstValue(ClaimTypes.Role)
            && account.SessionStamp.ToString() == user.FindFirstValue(StampClaim);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    public static Actor ToActor(this ClaimsPrincipal user) => new(
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null,
        user.Identity?.Name ?? "unknown");
}

/// <summary>API tokens created from /admin or /api/admin (stored as SHA-256 digests, revocable).</summary>
public sealed class StoredTokenResolver(AccountStore accounts) : IBearerTokenResolver
{
    public async Task<ClaimsPrincipal?> ResolveAsync(string token, CancellationToken ct) =>
        await accounts.ResolveTokenAsync(token, ct) is { } account
            ? AccountPrincipal.Create(account, BearerAuthenticationHandler.Scheme)
            : null;
}

public static class AccountsSetup
{
    /// <summary>Bearer for /api and for any request that sends an Authorization header; the sign-in cookie elsewhere.</summary>
    public const string SelectScheme = "bearer-or-cookie";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AbuseLimits>().BindConfiguration(AbuseLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHashing, IdentityPasswordHashing>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<ModerationStore>();
        services.AddSingleton<IBearerTokenResolver, StoredTokenResolver>();

        services.AddDataProtection().SetApplicationName("anti-trafficking-calendar");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((o, dataSource) => o.XmlRepository = new DatabaseXmlRepository(dataSource));
        services.AddAntiforgery(o => o.Cookie.Name = "calendar.antiforgery");

        services.AddAuthentication()
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "calendar.signin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/admin/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = AccountPrincipal.ValidateAsync;
            })
            .AddPolicyScheme(SelectScheme, "Bearer token or sign-in cookie", o => o.ForwardDefaultSelector = context =>
                !string.IsNullOrEmpty(context.Request.Headers.Authorization) || context.Request.Path.StartsWithSegments("/api")
                    ? BearerAuthenticationHandler.Scheme
                    : CookieAuthenticationDefaults.AuthenticationScheme);
        // Registered after AddCalendar's AddAuthentication(Bearer), so this default wins.
        services.Configure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = SelectScheme;
            o.DefaultChallengeScheme = SelectScheme;
            o.DefaultForbidScheme = SelectScheme;
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Counted in the database, so the limits hold across instances (SharedRateLimits.cs).
            o.AddPolicy(RateLimits.Submissions, context => Shared(context, RateLimits.Submissions,
                context.RequestServices.GetRequiredService<IOptions<AbuseLimits>>().Value.SubmissionsPerHour, TimeSpan.FromHours(1)));
            o.AddPolicy(RateLimits.Logins, context => Shared(context, RateLimits.Logins,
                context.RequestServices.GetRequiredService<IOptions<AbuseLimits>>().Value.LoginsPerFiveMinutes, TimeSpan.FromMinutes(5)));
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                const string message = "Too many attempts from your network in a short time. Please wait a while and try again.";
                if (context.Request.Path.StartsWithSegments("/api"))
                    await Problems.Write(context, StatusCodes.Status429TooManyRequests, "Too many requests", message);
                else
                    await context.RequestServices.GetRequiredService<IMessagePage>()
                        .WriteAsync(context, StatusCodes.Status429TooManyRequests, "Please wait a moment", message);
            };
        });
        return builder;
    }

    private static RateLimitPartition<string> Shared(HttpContext context, string policy, int limit, TimeSpan window)
    {
        var dataSource = context.RequestServices.GetRequiredService<NpgsqlDataSource>();
        return RateLimitPartition.Get(ClientKey(context), key => new DatabaseWindowLimiter(dataSource, policy, key, limit, window));
    }

    /// <summary>The client's address. Behind a proxy (Calendar__KnownProxies) this is the address the proxy forwarded.</summary>
    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
