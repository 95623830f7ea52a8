using Calendar.Api.Hosting;
using Calendar.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Calendar.Api.Endpoints;

public sealed record NewAccountBody(string? Email, string? Role, string? Password);
public sealed record AccountJson(Guid Id, string Email, string Role, bool CanSignIn, DateTime? LockedUntil, DateTime CreatedAt);
public sealed record NewTokenBody(string? Name);
public sealed record TokenJson(Guid Id, Guid AccountId, string Account, string Name, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);
public sealed record NewTokenJson(Guid Id, string Name, string Token);

/// <summary>/api/admin: accounts and API tokens, for moderators. A token's value is returned once, at creation.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization(Policies.Moderate);
        group.MapGet("/accounts", async (AccountStore accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListAsync(ct)).Select(ToJson).ToList())).WithSummary("Accounts");
        group.MapPost("/accounts", CreateAccount).Accepts<NewAccountBody>("application/json")
            .WithSummary("Create a moderator or coordinator account (password optional: without one, the account uses tokens only)");
        group.MapPost("/accounts/{id:guid}/tokens", CreateToken).Accepts<NewTokenBody>("application/json")
            .WithSummary("Create an API token for an account; its value is shown in this answer only");
        group.MapGet("/tokens", async (AccountStore accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListTokensAsync(ct)).Select(ToJson).ToList())).WithSummary("API tokens, with last use");
        group.MapDelete("/tokens/{id:guid}", async Task<IResult> (Guid id, AccountStore accounts, CancellationToken ct) =>
            await accounts.RevokeTokenAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound("token"))
            .WithSummary("Revoke a token; it stops working at once on every instance");
        return app;
    }

    private static async Task<IResult> CreateAccount(HttpContext context, JsonBody body, AccountStore accounts, CancellationToken ct)
    {
        var read = await body.ReadAsync<NewAccountBody>(context.Request);
        if (read.Problem is not null) return read.Problem;
        var input = read.Value!;
        var errors = AccountRules.CheckAccount(input.Email, input.Role, input.Password);
        if (errors.Count > 0) return Problems.Validation(errors);
        var account = await accounts.CreateAsync(input.Email!, input.Role!, input.Password, context.User.Identity?.Name ?? "", ct);
        return account is null
            ? TypedResults.Problem(statusCode: 409, title: "Account exists", detail: "An account with this e-mail exists already.")
            : TypedResults.Created($"/api/admin/accounts/{account.Id}", ToJson(account));
    }

    private static async Task<IResult> CreateToken(Guid id, HttpContext context, JsonBody body, AccountStore accounts, CancellationToken ct)
    {
        var read = await body.ReadAsync<NewTokenBody>(context.Request);
        if (read.Problem is not null) return read.Problem;
        if (AccountRules.CheckTokenName(read.Value!.Name) is { } message)
            return Problems.Validation(new Dictionary<string, string[]> { ["name"] = [message] });
        if (await accounts.FindAsync(id, ct) is null) return Problems.NotFound("account");
        var (token, value) = await accounts.CreateTokenAsync(id, read.Value.Name!.Trim(), ct);
        return TypedResults.Created($"/api/admin/tokens/{token.Id}", new NewTokenJson(token.Id, token.Name, value));
    }

    private static AccountJson ToJson(Account a) => new(a.Id, a.Email, a.Role, a.PasswordHash is not null, a.LockedUntil, a.CreatedAt);

    private static TokenJson ToJson(ApiToken t) => new(t.Id, t.AccountId, t.AccountEmail, t.Name, t.CreatedAt, t.LastUsedAt, t.RevokedAt);
}
