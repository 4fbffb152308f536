using System.Security.Cryptography;
using System.Text;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Http;

/// <summary>
/// Inbound Bearer check, before the body is read (no key, no information). Keys are compared as
/// SHA-256 digests with a fixed-time comparison against every configured key, so neither the match
/// position nor the key length leaks through timing.
/// </summary>
public sealed class InboundAuth(Mix2ApiSettings settings)
{
    private readonly byte[][] _keyHashes = settings.InboundKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _fingerprints = new(StringComparer.Ordinal);

    public bool Required => settings.InboundAuthRequired;

    /// <summary>
    /// The fingerprint of a caller's key (the session-key part), hashed once per configured key; other
    /// values (pass-through tokens, auth off) are hashed each time rather than remembered.
    /// </summary>
    public string FingerprintOf(string? bearer)
    {
        var token = bearer ?? "";
        if (_fingerprints.TryGetValue(token, out var known)) return known;
        var fp = Streams.Diagnostics.Fingerprint.Of(token);
        if (token.Length == 0 || settings.InboundKeys.Contains(token)) _fingerprints.TryAdd(token, fp);
        return fp;
    }

    /// <summary>The bearer token of the request, if it has a well-formed one (used by pass_through too).</summary>
    public static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().Trim();
        if (header.Length < 7 || !header.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) || !char.IsWhiteSpace(header[6]))
            return null;
        var token = header[7..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Null when the request may pass; otherwise the 401 body (the Node adapter's literal messages).</summary>
    public ErrorBody? Check(HttpRequest request)
    {
        if (!Required) return null;
        if (request.Headers.Authorization.Count == 0)
            return ErrorResponses.Unauthorized(null, "Missing authorization header");
        var token = BearerOf(request);
        if (token is null)
            return ErrorResponses.Unauthorized("authorization", "Invalid authorization header (expected Bearer token)");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match ? null : ErrorResponses.Unauthorized("authorization", "Invalid inbound token");
    }
}
