using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// Decodes a JSON string's escaped bytes while tolerating lone surrogate escapes (<c>"\ud83d"</c>),
/// which upstreams produce when they split an emoji across two deltas. The framework reader refuses
/// them; the graph re-joins the halves across frames.
/// </summary>
internal static class LenientJsonString
{
    public static string Decode(ReadOnlySpan<byte> escaped)
    {
        var sb = new StringBuilder(escaped.Length);
        while (!escaped.IsEmpty)
        {
            var slash = escaped.IndexOf((byte)'\\');
            var run = slash < 0 ? escaped : escaped[..slash];
            sb.Append(Encoding.UTF8.GetString(run));
            if (slash < 0 || slash + 1 >= escaped.Length) break;
            var c = escaped[slash + 1];
            var consumed = 2;
            switch (c)
            {
                case (byte)'n': sb.Append('\n'); break;
                case (byte)'r': sb.Append('\r'); break;
                case (byte)'t': sb.Append('\t'); break;
                case (byte)'b': sb.Append('\b'); break;
                case (byte)'f': sb.Append('\f'); break;
                case (byte)'u' when slash + 6 <= escaped.Length
                    && Utf8Parser.TryParse(escaped.Slice(slash + 2, 4), out ushort code, out var n, 'X') && n == 4:
                    sb.Append((char)code);
                    consumed = 6;
                    break;
                default: sb.Append((char)c); break;
            }
            escaped = escaped[(slash + consumed)..];
        }
        return sb.ToString();
    }
}
