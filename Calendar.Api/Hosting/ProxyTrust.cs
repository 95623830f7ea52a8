using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Calendar.Api.Hosting;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are honoured only from the reverse proxies named in Calendar:KnownProxies
/// (addresses or CIDR networks, separated by commas or spaces). ASP.NET Core's own switch,
/// ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, trusts any peer; with it, the same list applies, and loopback when the
/// list is empty. Without either setting the headers are ignored.
/// </summary>
public static class ProxyTrust
{
    public const string Setting = $"{CalendarOptions.Section}:KnownProxies";

    public static WebApplicationBuilder AddProxyTrust(this WebApplicationBuilder builder)
    {
        // Read when the options are first used: configuration added by a host's later set-up counts too.
        builder.Services.AddOptions<ForwardedHeadersOptions>().PostConfigure<IConfiguration>((o, configuration) =>
        {
            var configured = configuration[Setting];
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1; // only the hop the trusted proxy added
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still holds 127.0.0.0/8 by default and is still consulted
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            var networks = Parse(configured, out _);
            if (networks.Count == 0) networks = [new IPNetwork(IPAddress.Loopback, 8), new IPNetwork(IPAddress.IPv6Loopback, 128)];
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>Adds the forwarded-headers middleware when Calendar:KnownProxies is set, unless the framework's own
    /// switch already added it (first in the pipeline, with the options above).</summary>
    public static WebApplication UseProxyTrust(this WebApplication app)
    {
        var frameworkSwitch = string.Equals(app.Configuration["ForwardedHeaders_Enabled"], "true", StringComparison.OrdinalIgnoreCase);
        if (!frameworkSwitch && !string.IsNullOrWhiteSpace(app.Configuration[Setting])) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>The networks of a KnownProxies value; a single address is a network of one.</summary>
    public static List<IPNetwork> Parse(string? value, out List<string> invalid)
    {
        var networks = new List<IPNetwork>();
        invalid = [];
        foreach (var part in (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPAddress.TryParse(part, out var address))
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32));
            else if (IPNetwork.TryParse(part, out var network))
                networks.Add(network);
            else
                invalid.Add(part);
        }
        return networks;
    }
}
