using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// ASPNETCORE_URLS / urls as explicit Kestrel endpoints. Needed once the admin listener is added: Kestrel ignores the
/// URL setting as soon as one endpoint is configured in code, so the chat endpoints must be declared the same way.
/// </summary>
public static class ListenUrls
{
    /// <summary>Parses <c>http://host:port</c> entries (';'-separated); returns the problems, if any.</summary>
    public static IReadOnlyList<string> Apply(KestrelServerOptions kestrel, string urls)
    {
        var problems = new List<string>();
        foreach (var raw in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = raw.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0");
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "http")
            {
                problems.Add($"urls: '{raw}' is not an http://host:port URL (TLS ends at the gateway)");
                continue;
            }
            if (uri.IsLoopback && uri.Host == "localhost") kestrel.ListenLocalhost(uri.Port);
            else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
            {
                if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) kestrel.ListenAnyIP(uri.Port);
                else kestrel.Listen(ip, uri.Port);
            }
            else kestrel.ListenAnyIP(uri.Port);
        }
        return problems;
    }
}
