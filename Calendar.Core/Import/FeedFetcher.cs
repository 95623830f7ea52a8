using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Calendar.Core.Import;

public enum FetchOutcome { Ok, NotModified, Failed }

/// <summary>What one fetch gave: the body and its validators, or why there is none.</summary>
public sealed record FetchResult(FetchOutcome Outcome, int? HttpStatus, byte[]? Body, string? ETag, string? LastModified, string? Problem)
{
    public static FetchResult Fail(string problem, int? status = null) => new(FetchOutcome.Failed, status, null, null, null, problem);
}

/// <summary>
/// Fetches a partner's feed as one would from the open internet: http(s) only, a conditional GET, one deadline
/// for the whole fetch, a size cap after decompression, redirects followed here (at most MaxRedirects, each
/// checked), and no connection to a loopback, private, link-local or multicast address. The address check sits in
/// the socket connect, on the address actually connected to, so neither a redirect nor a DNS answer that changes
/// between a check and the connect can reach the inside.
/// </summary>
public sealed class FeedFetcher : IDisposable
{
    private readonly ImportOptions _options;
    private readonly HttpClient _client;
    private readonly IPNetwork[] _allowedNetworks;

    public FeedFetcher(IOptions<ImportOptions> options)
    {
        _options = options.Value;
        _allowedNetworks = (_options.AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IPNetwork.Parse).ToArray();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("AntiTraffickingCalendar/1.0 (partner feed import)");
        _client.DefaultRequestHeaders.Accept.ParseAdd("text/calendar, */*;q=0.5");
    }

    public async Task<FetchResult> FetchAsync(string url, string? etag, string? lastModified, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            return await FetchWithinAsync(url, etag, lastModified, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return FetchResult.Fail($"The server did not deliver the feed within {_options.Timeout.TotalSeconds:0.#} seconds.");
        }
        catch (HttpRequestException ex) when (Find<RefusedAddressException>(ex) is { } refused)
        {
            return FetchResult.Fail(refused.Message);
        }
        catch (HttpRequestException ex) when (Find<SocketException>(ex) is { } socket)
        {
            return FetchResult.Fail(socket.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "The feed's host name could not be found (DNS).",
                SocketError.ConnectionRefused => "The feed's server refused the connection.",
                SocketError.TimedOut => "The connection to the feed's server timed out.",
                _ => $"The feed's server could not be reached ({socket.SocketErrorCode}).",
            });
        }
        catch (HttpRequestException ex)
        {
            return FetchResult.Fail(ex.HttpRequestError switch
            {
                HttpRequestError.SecureConnectionError => "The secure (TLS) connection to the feed's server failed (certificate or protocol).",
                HttpRequestError.ResponseEnded => "The server broke off the answer before the feed was complete.",
                HttpRequestError.NameResolutionError => "The feed's host name could not be found (DNS).",
                HttpRequestError.InvalidResponse => "The server's answer was not valid HTTP.",
                _ => $"The feed could not be fetched: {ex.Message}",
            });
        }
        catch (IOException)
        {
            return FetchResult.Fail("The server broke off the answer before the feed was complete.");
        }
        catch (InvalidDataException)
        {
            return FetchResult.Fail("The server's compressed answer could not be decompressed.");
        }
    }

    private async Task<FetchResult> FetchWithinAsync(string url, string? etag, string? lastModified, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return FetchResult.Fail("The source's address is not an absolute URL.");
        for (var redirects = 0; ; redirects++)
        {
            if (uri.Scheme is not ("http" or "https"))
                return FetchResult.Fail($"Only http and https addresses are fetched, not {uri.Scheme}.");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
            if (lastModified is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                if (response.Headers.Location is not { } location)
                    return FetchResult.Fail($"The server answered {status} (a redirect) without saying where to.", status);
                if (redirects >= _options.MaxRedirects)
                    return FetchResult.Fail($"More than {_options.MaxRedirects} redirects; the last one pointed to {Shorten(location.ToString())}.", status);
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            if (status == 304)
                return new FetchResult(FetchOutcome.NotModified, status, null, etag, lastModified, null);
            if (status is < 200 or > 299)
                return FetchResult.Fail($"The server answered HTTP {status} {response.ReasonPhrase}.", status);

            if (response.Content.Headers.ContentLength > _options.MaxBytes && response.Content.Headers.ContentEncoding.Count == 0)
                return FetchResult.Fail(TooLarge(), status);
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > _options.MaxBytes) return FetchResult.Fail(TooLarge(), status);
                buffer.Write(chunk, 0, read);
            }
            return new FetchResult(FetchOutcome.Ok, status, buffer.ToArray(), response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified is { } modified ? modified.ToString("R") : null, null);
        }
    }

    private string TooLarge() => $"The feed is larger than {_options.MaxBytes / (1024.0 * 1024):0.#} MB (after decompression); it was not read.";

    private static string Shorten(string s) => s.Length > 200 ? s[..200] + "…" : s;

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        var allowed = addresses.Where(Allowed).ToArray();
        if (allowed.Length == 0)
            throw new RefusedAddressException(
                $"Refused to connect to {host} ({addresses[0]}): the address is on a {AddressRules.Describe(addresses[0])} network, " +
                "which feeds may not point to (set Calendar__Import__AllowPrivateNetworks=true for intranets).");

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                // Check what was really connected to, not only what was asked for.
                if (socket.RemoteEndPoint is IPEndPoint remote && !Allowed(remote.Address))
                {
                    socket.Dispose();
                    throw new RefusedAddressException($"Refused: {host} led to {remote.Address}, a {AddressRules.Describe(remote.Address)} address.");
                }
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw last!;
    }

    private bool Allowed(IPAddress address) =>
        _options.AllowPrivateNetworks || AddressRules.IsPublic(address)
        || _allowedNetworks.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    public void Dispose() => _client.Dispose();

    private sealed class RefusedAddressException(string message) : IOException(message);
}

/// <summary>Which addresses a feed may point to: public unicast only.</summary>
public static class AddressRules
{
    public static bool IsPublic(IPAddress address) => Describe(address) == "public";

    public static string Describe(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                127 => "loopback",
                0 => "reserved",
                10 => "private",
                100 when b[1] >= 64 && b[1] < 128 => "private (carrier-grade NAT)",
                169 when b[1] == 254 => "link-local",
                172 when b[1] >= 16 && b[1] < 32 => "private",
                192 when b[1] == 168 => "private",
                192 when b[1] == 0 && b[2] == 0 => "reserved",
                198 when b[1] is 18 or 19 => "reserved (benchmarking)",
                >= 224 and < 240 => "multicast",
                >= 240 => "reserved",
                _ => "public",
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IPv6Loopback.Equals(address)) return "loopback";
            if (IPAddress.IPv6None.Equals(address)) return "reserved";
            if (address.IsIPv6LinkLocal) return "link-local";
            if (address.IsIPv6SiteLocal) return "private";
            if (address.IsIPv6Multicast) return "multicast";
            var b = address.GetAddressBytes();
            if ((b[0] & 0xfe) == 0xfc) return "private";
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
            if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return Describe(new IPAddress(b[12..16]));
            if (b[0] == 0x20 && b[1] == 0x02) return Describe(new IPAddress(b[2..6]));
            return "public";
        }
        return "reserved";
    }
}
