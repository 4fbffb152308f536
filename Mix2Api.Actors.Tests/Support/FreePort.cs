using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A loopback port nobody listens on right now (bind 0, read it, release it): never a fixed default such as 9110.
/// It can be taken before the caller binds it (an outgoing connection of a test running alongside gets it as its
/// ephemeral port), which is why <see cref="AdminBroker.StartAsync"/> and <c>NodeProcess.StartAsync</c> start again
/// on a new one when that happens.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
