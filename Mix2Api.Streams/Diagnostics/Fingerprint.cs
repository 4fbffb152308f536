using System.Buffers;
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
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var n = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..n], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(hash[..6]);
    }

    /// <summary>
    /// The same as <see cref="Of(string?)"/> of <c>first + separator + second</c>, without building that string: an
    /// agent sends its whole system prompt, often tens of KB, on every request.
    /// </summary>
    public static string Of(string? first, char separator, string? second)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(sha, first);
        Append(sha, [separator]);
        Append(sha, second);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..6]);
    }

    private static void Append(IncrementalHash sha, ReadOnlySpan<char> text)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        sha.AppendData(bytes, 0, Encoding.UTF8.GetBytes(text, bytes));
        ArrayPool<byte>.Shared.Return(bytes);
    }
}
