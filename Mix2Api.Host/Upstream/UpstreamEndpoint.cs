using System.Net;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Where upstream connections go and which of them may be shared: scheme, host and port, and for a dynamic base the
/// address that was checked (<see cref="Pinned"/>: connected to, never resolved again; TLS and <c>Host</c> still carry
/// the name). Connections are pooled per endpoint.
/// </summary>
public sealed record UpstreamEndpoint(string Host, int Port, bool Tls, IPAddress? Pinned)
{
    /// <summary>The <c>Host</c> header: the name, with the port when it is not the scheme's default.</summary>
    public string Authority { get; } = HostHeader(Host, Port, Tls);

    public static UpstreamEndpoint For(Uri url, IPAddress? pinned = null)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"the upstream URL must be http or https: {url.Scheme}", nameof(url));
        return new(url.IdnHost.Trim('[', ']'), url.Port, url.Scheme == Uri.UriSchemeHttps, pinned);
    }

    private static string HostHeader(string host, int port, bool tls)
    {
        var name = host.Contains(':') ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
