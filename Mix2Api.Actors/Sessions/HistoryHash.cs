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
    public static string Of(IReadOnlyList<ChatMessage> messages, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, messages.Count);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < count; i++)
        {
            var message = messages[i];
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
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..16]);
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
