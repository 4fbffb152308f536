using System.Net;
using System.Net.Sockets;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Host.Upstream;

/// <summary>Where one request goes when it names its own upstream base (digest §10), already checked.</summary>
/// <param name="SendCredential">Only allowlisted hosts receive the configured upstream token.</param>
public sealed record UpstreamRoute(Uri ChatUrl, IPAddress Address, bool SendCredential)
{
    public string Host => ChatUrl.IdnHost;

    /// <summary>Connections go to the checked address; TLS and <c>Host</c> carry the name.</summary>
    public UpstreamEndpoint Endpoint { get; } = UpstreamEndpoint.For(ChatUrl, Address);
}

/// <summary>
/// The per-request upstream base (header <c>x-upstream-base-url</c>, body <c>upstream_base_url</c> /
/// <c>upstream_api_base</c>), off unless <c>UPSTREAM_DYNAMIC_BASE_ENABLED</c>. The Node adapter's checks and
/// messages, and stricter: the name is resolved once, here, every address it has is checked, and the
/// connection goes to the checked address (<see cref="PinnedAddressConnector"/>); redirects are not followed;
/// the upstream token goes only to allowlisted hosts. Every refusal is 400 <c>invalid_request</c> before any connection.
/// </summary>
public sealed class DynamicUpstreamBase
{
    public const string Param = "upstream_base_url";
    public const string Header = "x-upstream-base-url";

    private readonly bool _enabled, _allowHttp, _allowPrivate;
    private readonly string[] _allowlist;
    private readonly string _chatPath;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeSpan _lookupTimeout;

    public DynamicUpstreamBase(Mix2ApiSettings settings)
        : this(settings.DynamicBase, settings.ChatPath, settings.ConnectTimeout, (host, ct) => Dns.GetHostAddressesAsync(host, ct))
    {
    }

    /// <param name="resolve">The one name lookup (tests pass a stub to prove no second lookup happens).</param>
    public DynamicUpstreamBase(DynamicBaseSettings policy, string chatPath, TimeSpan connectTimeout,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        _enabled = policy.Enabled;
        _allowHttp = policy.AllowHttp;
        _allowPrivate = policy.AllowPrivate;
        _allowlist = [.. policy.Allowlist];
        _chatPath = "/" + chatPath.TrimStart('/');
        _resolve = resolve;
        _lookupTimeout = connectTimeout;
    }

    /// <summary>
    /// The route for a request: null with no error when it names no base (the configured upstream), a checked
    /// route, or the refusal message (400 invalid_request, param <c>upstream_base_url</c>).
    /// </summary>
    public async Task<(UpstreamRoute? Route, string? Error)> ChooseAsync(string? header, string? body, CancellationToken cancellationToken)
    {
        var raw = !string.IsNullOrWhiteSpace(header) ? header : body;
        if (string.IsNullOrWhiteSpace(raw)) return (null, null);
        if (!_enabled) return (null, "Dynamic upstream base is disabled by server policy");
        if (Check(raw.Trim(), out var url, out var host, out var allowlisted) is { } refused) return (null, refused);

        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            // The lookup counts against the connect timeout: a slow resolver must not hold the request longer.
            using var lookup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lookup.CancelAfter(_lookupTimeout);
            try
            {
                addresses = await _resolve(host, lookup.Token);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return (null, "Invalid upstream_base_url: hostname could not be resolved");
            }
        }
        if (addresses.Length == 0) return (null, "Invalid upstream_base_url: hostname could not be resolved");
        // Any private answer refuses the name: a name that mixes public and private addresses is a rebinding tool.
        if (!_allowPrivate && Array.Exists(addresses, PrivateAddress.Is))
            return (null, "Invalid upstream_base_url: private or loopback host is not allowed");
        var address = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        var chat = new Uri(url.TrimEnd('/') + _chatPath);
        return (new UpstreamRoute(chat, address, allowlisted), null);
    }

    // The digest's order of checks and messages (§10, steps 2-8), on the URL alone; null when it passes.
    private string? Check(string raw, out string url, out string host, out bool allowlisted)
    {
        url = host = "";
        allowlisted = false;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
            return "Invalid upstream_base_url: must be an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return "Invalid upstream_base_url: only http/https protocols are allowed";
        if (uri.Scheme == Uri.UriSchemeHttp && !_allowHttp)
            return "Invalid upstream_base_url: http protocol is not allowed by policy";
        host = uri.IdnHost.Trim('[', ']').ToLowerInvariant();
        if (host.Length == 0) return "Invalid upstream_base_url: hostname is required";
        var isLiteral = IPAddress.TryParse(host, out var literal);
        if (!_allowPrivate && (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) || (isLiteral && PrivateAddress.Is(literal!))))
            return "Invalid upstream_base_url: private or loopback host is not allowed";
        if (_allowlist.Length > 0)
        {
            if (isLiteral) return "Invalid upstream_base_url: IP literals are not allowed when UPSTREAM_BASE_ALLOWLIST is configured";
            var name = host;
            allowlisted = Array.Exists(_allowlist, e => name == e || name.EndsWith("." + e, StringComparison.Ordinal));
            if (!allowlisted) return "Invalid upstream_base_url: host is not in allowlist";
        }
        // Normalised as the Node adapter does: no query or fragment, no trailing slash; path and userinfo kept.
        url = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return null;
    }
}
