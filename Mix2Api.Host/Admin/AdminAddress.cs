using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mix2Api.Host.Admin;

/// <summary>Where this node's admin endpoint listens, known once Kestrel has bound it (ADMIN_PORT may be 0 in tests).</summary>
public sealed class AdminAddress
{
    private ListenOptions? _listen;

    internal void Bind(ListenOptions listen) => _listen = listen;

    /// <summary>The admin URL other nodes and `ctl` can use; null when the endpoint is disabled or not bound yet.</summary>
    public string? Url
    {
        get
        {
            if (_listen?.IPEndPoint is not { Port: > 0 } ep) return null;
            var host = ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
                : ep.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]" : ep.Address.ToString();
            return $"http://{host}:{ep.Port}";
        }
    }

    /// <summary>True when the request came in on the admin listener.</summary>
    public static bool IsAdminConnection(HttpContext context)
        => context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items.ContainsKey(ConnectionMarker) == true;

    internal const string ConnectionMarker = "mix2api.admin";
}
