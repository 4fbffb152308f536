using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// The connection factory of dynamic upstream bases: it connects to the address that was resolved and checked
/// before the request was sent (carried in the request's options), never resolving the name again, so a DNS
/// answer that changes between check and use (rebinding) cannot redirect the connection. TLS SNI and Host still
/// carry the name from the URL. A request without a pinned address fails instead of resolving.
/// </summary>
public static class PinnedAddressConnector
{
    public static readonly HttpRequestOptionsKey<IPAddress> Address = new("mix2api.pinned-address");

    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = ConnectAsync,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(Address, out var address))
            throw new HttpRequestException(HttpRequestError.ConnectionError, "dynamic upstream request without a checked address");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
