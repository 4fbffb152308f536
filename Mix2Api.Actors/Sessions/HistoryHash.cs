using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// A hash of the first N messages of a conversation: role, text, tool calls and tool result ids, each
/// length-prefixed so no two different histories can encode alike. Stored after a turn, it lets the next
/// turn check that its history still starts with what the upstream has already seen.
/// </summary>
public static class HistoryHash
{
    /// <summary>Bytes per hash in <see cref="Prefixes"/>; <see cref="Of"/> is the same bytes in lower-case hex.</summary>
    public const int Size = 16;

    public static string Of(IReadOnlyList<ChatMessage> messages, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, messages.Count);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < count; i++) AppendMessage(hash, messages[i]);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..Size]);
    }

    /// <summary>
    /// The hash of every prefix in one pass: prefix length i+1 at offset <see cref="Size"/>·i. What a turn sends
    /// its session entity instead of the history (the entity compares the one prefix the upstream saw).
    /// </summary>
    public static byte[] Prefixes(IReadOnlyList<ChatMessage> messages)
    {
        var result = new byte[messages.Count * Size];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < messages.Count; i++)
        {
            AppendMessage(hash, messages[i]);
            hash.GetCurrentHash(digest);
            digest[..Size].CopyTo(result.AsSpan(i * Size, Size));
        }
        return result;
    }

    /// <summary>The hex hash of the first <paramref name="count"/> messages from <see cref="Prefixes"/>; null when there are fewer.</summary>
    public static string? PrefixOf(byte[] prefixes, int count)
        => count <= 0 || count * Size > prefixes.Length ? null : Convert.ToHexStringLower(prefixes.AsSpan((count - 1) * Size, Size));

    private static void AppendMessage(IncrementalHash hash, ChatMessage message)
    {
        Append(hash, ((int)message.Role).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(hash, message.Text);
        Append(hash, message.ToolCallId);
        Append(hash, message.Name);
        foreach (var call in message.ToolCalls)
        {
            Append(hash, call.Id);
            Append(hash, call.Name);
            Append(hash, call.Arguments);
        }
        Append(hash, "\u001e"); // end of message
    }

    private static void Append(IncrementalHash hash, string? text)
    {
        Span<byte> prefix = stackalloc byte[4];
        if (text is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(prefix, -1);
            hash.AppendData(prefix);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(text, buffer);
            BinaryPrimitives.WriteInt32LittleEndian(prefix, n);
            hash.AppendData(prefix);
            hash.AppendData(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
