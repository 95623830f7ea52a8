using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Calendar.Core.Events;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;

namespace Calendar.Api.Pages;

/// <summary>/admin/accounts: create accounts, create tokens (shown once), revoke tokens. Moderators only.</summary>
public static class AdminAccountPages
{
    public static RouteGroupBuilder MapAdminAccountPages(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("").RequireAuthorization(Policies.Moderate);
        group.MapGet("/accounts", async (HttpContext context, IAntiforgery antiforgery, AccountStore accounts, string? done, CancellationToken ct) =>
            await Page(context, antiforgery, accounts, done == "revoked" ? "Token revoked." : done == "created" ? "Account created." : null, ct: ct));
        group.MapPost("/accounts", CreateAccount);
        group.MapPost("/accounts/{id:guid}/tokens", CreateToken);
        group.MapPost("/tokens/{id:guid}/revoke", async (Guid id, AccountStore accounts, CancellationToken ct) =>
        {
            await accounts.RevokeTokenAsync(id, ct);
            return Pages.SeeOther("/admin/accounts?done=revoked");
        });
        return admin;
    }

    private static async Task<IResult> CreateAccount(HttpContext context, IAntiforgery antiforgery, AccountStore accounts,
        IValidator<NewAccountBody> validator, CancellationToken ct)
    {
        var form = context.Request.Form;
        string email = form["email"].ToString().Trim(), role = form["role"].ToString(), password = form["password"].ToString();
        var errors = EventValidation.ToErrors(await validator.ValidateAsync(new NewAccountBody(email, role, password), ct)).ToDictionary();
        if (errors.Count == 0 && await accounts.CreateAsync(email, role, password, context.User.Identity?.Name ?? "", ct) is null)
            errors["email"] = ["An account with this e-mail exists already."];
        if (errors.Count > 0)
            return await Page(context, antiforgery, accounts, null, email: email, role: role,
                errors: errors.ToDictionary(e => e.Key, e => e.Value.ToList()), status: 400, ct: ct);
        return Pages.SeeOther("/admin/accounts?done=created");
    }

    private static async Task<IResult> CreateToken(Guid id, HttpContext context, IAntiforgery antiforgery, AccountStore accounts,
        IValidator<NewTokenBody> validator, CancellationToken ct)
    {
        var name = context.Request.Form["name"].ToString();
        if ((await validator.ValidateAsync(new NewTokenBody(name), ct)).Errors.FirstOrDefault()?.ErrorMessage is { } message)
            return await Page(context, antiforgery, accounts, null, errors: new() { [$"token-name-{id}"] = [message] }, status: 400, ct: ct);
        if (await accounts.FindAsync(id, ct) is null)
            return Pages.Message("Not found", "There is no such account.", StatusCodes.Status404NotFound, "/admin/accounts", "Back");
        var (token, value) = await accounts.CreateTokenAsync(id, name.Trim(), ct);
        // Shown in this response only; no-store keeps it out of caches and the browser's history.
        context.Response.Headers.CacheControl = "no-store";
        return await Page(context, antiforgery, accounts, null, newToken: value, newTokenName: token.Name, ct: ct);
    }

    private static async Task<IResult> Page(HttpContext context, IAntiforgery antiforgery, AccountStore accounts, string? notice,
        string? newToken = null, string? newTokenName = null, string email = "", string role = AccountRole.Coordinator,
        Dictionary<string, List<string>>? errors = null, int status = 200, CancellationToken ct = default) =>
        Pages.Render<AdminAccountsPage>(new
        {
            UserName = context.User.Identity?.Name ?? "",
            Accounts = await accounts.ListAsync(ct),
            Tokens = await accounts.ListTokensAsync(ct),
            NewToken = newToken,
            NewTokenName = newTokenName,
            Notice = notice,
            Email = email,
            Role = role,
            Errors = errors,
            Token = antiforgery.GetAndStoreTokens(context),
        }, status);
}
