using System.Security.Cryptography;
using System.Text;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Http;

/// <summary>
/// Inbound key check, before the body is read (no key, no information). The key comes as
/// <c>Authorization: Bearer</c> (OpenAI clients, gateways) or as <c>x-api-key</c> (Anthropic clients). Keys are compared as
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

    /// <summary>
    /// The caller's key (used by pass_through too): a well-formed <c>Authorization: Bearer</c> token, else the
    /// <c>x-api-key</c> header Anthropic clients send (Claude Code with <c>ANTHROPIC_API_KEY</c>).
    /// </summary>
    public static string? KeyOf(HttpRequest request) => BearerOf(request) ?? ApiKeyOf(request);

    private static string? ApiKeyOf(HttpRequest request)
    {
        var key = request.Headers["x-api-key"].ToString().Trim();
        return key.Length == 0 ? null : key;
    }

    private static string? BearerOf(HttpRequest request)
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
        if (request.Headers.Authorization.Count == 0 && ApiKeyOf(request) is null)
            return ErrorResponses.Unauthorized(null, "Missing authorization header");
        var token = KeyOf(request);
        if (token is null)
            return ErrorResponses.Unauthorized("authorization", "Invalid authorization header (expected Bearer token)");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match ? null : ErrorResponses.Unauthorized("authorization", "Invalid inbound token");
    }
}
