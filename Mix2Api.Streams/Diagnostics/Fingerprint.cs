using System.Security.Cryptography;
using System.Text;

namespace Mix2Api.Streams.Diagnostics;

/// <summary>
/// Secrets and ids (tokens, session ids, keys) appear in logs only as this: the first 12 hex chars
/// of their SHA-256, as the Node adapter logged them.
/// </summary>
public static class Fingerprint
{
    public static string Of(string? value)
    {
        Span<byte> hash = stackalloc byte[32];
        var text = value ?? "";
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        var n = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..n], hash);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(hash[..6]);
    }
}
