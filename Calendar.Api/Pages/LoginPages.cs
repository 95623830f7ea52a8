using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Calendar.Api.Pages;

/// <summary>/login and /logout: cookie sign-in for moderators and coordinators, rate-limited per client, with lockout.</summary>
public static class LoginPages
{
    public static IEndpointRouteBuilder MapLoginPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter<FormPostFilter>();
        group.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Pages.Render<LoginPage>(new { ReturnUrl = Pages.LocalOr(returnUrl, "/admin"), Token = antiforgery.GetAndStoreTokens(context) }));
        group.MapPost("/login", SignIn).RequireRateLimiting(RateLimits.Logins);
        group.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Pages.SeeOther("/");
        });
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext context, IAntiforgery antiforgery, AccountStore accounts,
        ILogger<AccountStore> logger, CancellationToken ct)
    {
        var form = context.Request.Form;
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = Pages.LocalOr(form["returnUrl"], "/admin");

        string? error = null;
        if (email.Length is 0 or > 254 || password.Length is 0 or > 200)
            error = "Enter your e-mail address and your password.";
        else
        {
            var result = await accounts.SignInAsync(email, password, ct);
            switch (result.Outcome)
            {
                case SignInOutcome.Success:
                    await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                        AccountPrincipal.Create(result.Account!, CookieAuthenticationDefaults.AuthenticationScheme));
                    logger.LogInformation("Account {AccountId} signed in", result.Account!.Id);
                    return Pages.SeeOther(returnUrl);
                case SignInOutcome.LockedOut:
                    logger.LogWarning("Sign-in refused: account locked");
                    error = $"Too many wrong passwords: this account is locked until {result.LockedUntil:HH:mm} UTC. Try again then.";
                    break;
                default:
                    error = "The e-mail address or the password is not right.";
                    break;
            }
        }
        // A fresh token: the old one was bound to the anonymous user, and the form must stay usable.
        return Pages.Render<LoginPage>(new { Email = email, Error = error, ReturnUrl = returnUrl, Token = antiforgery.GetAndStoreTokens(context) },
            StatusCodes.Status400BadRequest);
    }
}
