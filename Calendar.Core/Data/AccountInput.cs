using Calendar.Core.Events;
using FluentValidation;

namespace Calendar.Core.Data;

/// <summary>A new account as a moderator writes it (JSON body or the /admin/accounts form); the password is optional:
/// without one, the account uses tokens only.</summary>
public sealed record NewAccountBody(string? Email, string? Role, string? Password);

/// <summary>A new API token: its name says which system uses it.</summary>
public sealed record NewTokenBody(string? Name);

public sealed class NewAccountValidator : AbstractValidator<NewAccountBody>
{
    public NewAccountValidator()
    {
        RuleFor(x => x.Email).Must(e => InputParsing.IsEmail(e?.Trim()))
            .WithMessage("Give an e-mail address such as name@example.org.");
        RuleFor(x => x.Role).Must(r => r is not null && AccountRole.All.Contains(r))
            .WithMessage("Role must be moderator or coordinator.");
        RuleFor(x => x.Password).Custom((password, context) =>
        {
            if (!string.IsNullOrEmpty(password) && AccountStore.CheckPassword(password) is { } message) context.AddFailure(message);
        });
    }
}

public sealed class NewTokenValidator : AbstractValidator<NewTokenBody>
{
    public NewTokenValidator()
    {
        RuleFor(x => x.Name)
            .Must(n => !string.IsNullOrWhiteSpace(n) && n.Trim().Length <= 100 && !InputParsing.HasForbiddenCharacters(n, multiLine: false))
            .WithMessage("Name the token (up to 100 characters), e.g. after the system that will use it.");
    }
}
