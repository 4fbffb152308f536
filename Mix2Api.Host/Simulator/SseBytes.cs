using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// Encodes SSE events once, at script-build time, so the streaming loop only copies bytes.
/// Text is written as raw UTF-8 (not <c>\uXXXX</c>), like the real upstream, so that multi-byte
/// characters really cross network writes.
/// </summary>
public static class SseBytes
{
    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    public static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    private static readonly JsonWriterOptions WriterOptions = Mix2Api.Streams.Output.RelaxedJson.Options;

    /// <summary><c>data: {json}\n\n</c> for JSON text given as is (not validated: tests may send broken JSON on purpose).</summary>
    public static byte[] Data(string json)
    {
        var bytes = new byte[6 + Encoding.UTF8.GetByteCount(json) + 2];
        "data: "u8.CopyTo(bytes);
        Encoding.UTF8.GetBytes(json, bytes.AsSpan(6));
        "\n\n"u8.CopyTo(bytes.AsSpan(bytes.Length - 2));
        return bytes;
    }

    /// <summary>A <c>data:</c> event whose JSON object is written by <paramref name="write"/> (between the braces).</summary>
    public static byte[] Object(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>data: {"type":"&lt;type&gt;","id":"&lt;id&gt;","delta":"&lt;text&gt;"}\n\n</c> with raw UTF-8 text.</summary>
    public static byte[] Delta(string type, string id, string text)
    {
        var buffer = new ArrayBufferWriter<byte>(48 + text.Length * 3);
        buffer.Write("data: {\"type\":\""u8);
        WriteEscaped(buffer, type);
        buffer.Write("\",\"id\":\""u8);
        WriteEscaped(buffer, id);
        buffer.Write("\",\"delta\":\""u8);
        WriteEscaped(buffer, text);
        buffer.Write("\"}\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An SSE comment event (<c>: text\n\n</c>); parsers must ignore it.</summary>
    public static byte[] Comment(string text) => Encoding.UTF8.GetBytes(": " + text.ReplaceLineEndings(" ") + "\n\n");

    /// <summary>JSON string escaping that keeps every non-ASCII character as raw UTF-8 (quotes, backslash and controls escaped).</summary>
    public static void WriteEscaped(IBufferWriter<byte> output, string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            WriteUtf8(output, text.AsSpan(start, i - start));
            var escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => $"\\u{(int)c:x4}",
            };
            WriteUtf8(output, escape);
            start = i + 1;
        }
        WriteUtf8(output, text.AsSpan(start));
    }

    private static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty) return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length));
        output.Advance(Encoding.UTF8.GetBytes(chars, span));
    }
}
