using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// ASPNETCORE_URLS / urls as explicit Kestrel endpoints. Needed once the admin listener is added: Kestrel ignores the
/// URL setting as soon as one endpoint is configured in code, so the chat endpoints must be declared the same way.
/// </summary>
public sealed class ListenUrls
{
    private readonly List<(IPAddress? Address, int Port)> _endpoints = [];

    /// <summary>Parses <c>http://host:port</c> entries (';'-separated); each bad one is a configuration problem.</summary>
    public static ListenUrls Parse(string urls, List<string> problems)
    {
        var parsed = new ListenUrls();
        foreach (var raw in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = raw.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0");
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "http")
            {
                problems.Add($"urls: '{raw}' is not an http://host:port URL (TLS ends at the gateway)");
                continue;
            }
            // null: every interface (a host name other than localhost binds everywhere too, as Kestrel does).
            var address = uri.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) ? ip : null;
            parsed._endpoints.Add((address, uri.Port));
        }
        return parsed;
    }

    public void Apply(KestrelServerOptions kestrel)
    {
        foreach (var (address, port) in _endpoints)
        {
            if (address is null) kestrel.ListenAnyIP(port);
            else kestrel.Listen(address, port);
        }
    }
}
