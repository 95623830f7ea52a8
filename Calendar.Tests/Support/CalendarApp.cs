using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Calendar.Tests.Support;

/// <summary>
/// The real service over its own database. By default requests go through the in-process test server;
/// <see cref="StartOnKestrel"/> serves on a real loopback port instead (for browsers and other processes).
/// </summary>
public sealed class CalendarApp : WebApplicationFactory<Program>
{
    public const string ModeratorToken = "test-moderator-token-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;

    private readonly bool _ownsDatabase;

    private CalendarApp(string connectionString, IDictionary<string, string?>? settings, bool ownsDatabase = true)
    {
        ConnectionString = connectionString;
        _ownsDatabase = ownsDatabase;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Calendar"] = connectionString,
            ["Calendar:BootstrapAdminToken"] = ModeratorToken,
            ["Calendar:LoadSampleData"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Calendar:Import:Enabled"] = "false", // tests run sources on demand; the scheduler's own tests turn it on
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
    }

    public string ConnectionString { get; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A new app on a new database (migrated from the template). Pass settings to override configuration,
    /// e.g. Calendar:LoadSampleData=true.</summary>
    public static async Task<CalendarApp> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = new CalendarApp(await TestDatabase.CreateAsync(), settings);
        _ = app.Server; // start now, so set-up errors surface in the fixture
        return app;
    }

    /// <summary>A new app on a database the caller created (e.g. an empty one); the app drops it when disposed.
    /// Unlike <see cref="StartAsync"/> the host is not started yet: the first request or <c>Server</c> starts it.</summary>
    public static CalendarApp On(string connectionString, IDictionary<string, string?>? settings = null) =>
        new(connectionString, settings);

    /// <summary>A second app instance on the same database, as behind a load balancer. Disposing it leaves the
    /// database to the first instance.</summary>
    public CalendarApp AnotherInstance(IDictionary<string, string?>? settings = null)
    {
        var app = new CalendarApp(ConnectionString, settings, ownsDatabase: false);
        _ = app.Server;
        return app;
    }

    /// <summary>Serves on Kestrel at a free loopback port; returns the base address.</summary>
    public static async Task<(CalendarApp App, Uri BaseAddress)> StartOnKestrelAsync(IDictionary<string, string?>? settings = null)
    {
        var app = new CalendarApp(await TestDatabase.CreateAsync(), settings);
        app.UseKestrel(0);
        app.StartServer();
        return (app, app.ClientOptions.BaseAddress);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public HttpClient Moderator() => WithToken(ModeratorToken);

    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> CountEventsAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("select count(*) from events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fingerprint of the whole events table, to prove a rejected request changed nothing.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(
            "select coalesce(md5(string_agg(e::text, '|' order by id)), 'empty') from events e", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Only the first instance drops the database; another instance on it leaves it to the first.
        if (_ownsDatabase) await TestDatabase.DropAsync(ConnectionString);
    }
}

public static class HttpExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, CalendarApp.Json);
}
