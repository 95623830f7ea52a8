using Calendar.Api.Caching;
using Calendar.Api.Endpoints;
using Calendar.Api.Hosting;
using Calendar.Api.Pages;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
builder.AddCalendar();
builder.Services.AddCaching();
builder.Services.AddPages();

var app = builder.Build();
// Check settings before touching the database, so a missing one is reported by name.
_ = app.Services.GetRequiredService<IOptions<CalendarOptions>>().Value;

if (args.Contains("migrate"))
{
    // For deployments that migrate before rolling out: `dotnet Calendar.Api.dll migrate`.
    app.Services.GetRequiredService<DatabaseSetup>().Migrate();
    return;
}
if (args.Contains("create-moderator"))
{
    // The first moderator of a new installation: `dotnet Calendar.Api.dll create-moderator <email>`.
    Environment.ExitCode = await AccountCommands.CreateModeratorAsync(app, args);
    return;
}
if (args.Contains("set-password"))
{
    Environment.ExitCode = await AccountCommands.SetPasswordAsync(app, args);
    return;
}
await app.Services.GetRequiredService<DatabaseSetup>().RunAsync(app.Lifetime.ApplicationStopping);

app.UseCalendar();
app.UseReadYourWrites();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/docs", o => o.WithTitle("Anti-trafficking events calendar API")
    .WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());
app.MapHealthEndpoints();
app.MapEventsApi();
app.MapFacetsApi();
app.MapFeedEndpoints();
app.MapPages();
app.MapSubmissionsApi();
app.MapModerationApi();
app.MapAdminApi();
app.MapSourcesApi();
app.MapSubmitPages();
app.MapLoginPages();
app.MapAdminPages();

app.Run();

public partial class Program;
