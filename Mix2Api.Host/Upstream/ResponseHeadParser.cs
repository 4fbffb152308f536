using System.Buffers.Text;
using System.Text;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Reads an HTTP/1.1 response head (status line and header fields, RFC 9112 §4–5) from the bytes received so far.
/// Lines may end in CRLF or a bare LF; obsolete line folding, a malformed status line or a bad Content-Length is an
/// invalid response. Only the fields the broker acts on become strings.
/// </summary>
public static class ResponseHeadParser
{
    /// <summary>A head larger than this is refused (SocketsHttpHandler's default limit).</summary>
    public const int MaxHeadBytes = 64 * 1024;

    private const string EventStream = "text/event-stream";
    private const string EventStreamUtf8 = "text/event-stream; charset=utf-8";
    private const string Json = "application/json";
    private const string JsonUtf8 = "application/json; charset=utf-8";

    /// <summary>
    /// True with the head and the bytes it took once a whole head is in <paramref name="data"/>; false when more bytes
    /// are needed. Throws <see cref="UpstreamHttpException"/> for an invalid head or one over <see cref="MaxHeadBytes"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ResponseHead head, out int consumed)
    {
        head = null!;
        consumed = 0;
        var end = HeadEnd(data);
        if (end < 0)
        {
            if (data.Length >= MaxHeadBytes) throw new UpstreamHttpException(HttpRequestError.ConfigurationLimitExceeded, "the upstream response head exceeds 64 KiB");
            return false;
        }
        if (end > MaxHeadBytes) throw new UpstreamHttpException(HttpRequestError.ConfigurationLimitExceeded, "the upstream response head exceeds 64 KiB");

        var rest = data[..end];
        var statusLine = NextLine(ref rest);
        var (status, http10) = ParseStatusLine(statusLine);
        string? contentType = null, retryAfter = null;
        long contentLength = -1;
        bool chunked = false, transferEncoding = false, close = http10, keepAlive = false;
        while (rest.Length > 0)
        {
            var line = NextLine(ref rest);
            if (line.IsEmpty) break;
            if (line[0] is (byte)' ' or (byte)'\t') throw UpstreamHttpException.Invalid("folded header line");
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0) throw UpstreamHttpException.Invalid("malformed header line");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-type"u8)) contentType = ContentTypeOf(value);
            else if (Ascii.EqualsIgnoreCase(name, "content-length"u8)) contentLength = ContentLengthOf(value, contentLength);
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                transferEncoding = true;
                chunked = LastCodingIsChunked(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close |= HasToken(value, "close"u8);
                keepAlive |= HasToken(value, "keep-alive"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "retry-after"u8)) retryAfter = Encoding.Latin1.GetString(value);
        }
        if (http10 && keepAlive && !transferEncoding) close = false;

        var framing = status is 204 or 304 || status < 200 ? BodyFraming.None
            : transferEncoding ? (chunked ? BodyFraming.Chunked : BodyFraming.UntilClose)
            : contentLength >= 0 ? BodyFraming.ContentLength
            : BodyFraming.UntilClose;
        head = new ResponseHead
        {
            Status = status,
            ContentType = contentType,
            Framing = framing,
            ContentLength = framing == BodyFraming.ContentLength ? contentLength : 0,
            // A body that runs to the close, or one framed both ways (a smuggling shape), never leaves a reusable connection.
            Close = close || framing == BodyFraming.UntilClose || (transferEncoding && contentLength >= 0),
            RetryAfter = retryAfter,
        };
        consumed = end;
        return true;
    }

    /// <summary>The length of the head including its empty line, or -1 when it has not all arrived.</summary>
    private static int HeadEnd(ReadOnlySpan<byte> data)
    {
        var from = 0;
        while (true)
        {
            var lf = data[from..].IndexOf((byte)'\n');
            if (lf < 0) return -1;
            lf += from;
            var next = lf + 1;
            if (next < data.Length && data[next] == '\n') return next + 1;
            if (next + 1 < data.Length && data[next] == '\r' && data[next + 1] == '\n') return next + 2;
            if (next >= data.Length || (data[next] == '\r' && next + 1 >= data.Length)) return -1;
            from = next;
        }
    }

    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> rest)
    {
        var lf = rest.IndexOf((byte)'\n');
        var line = lf < 0 ? rest : rest[..lf];
        rest = lf < 0 ? default : rest[(lf + 1)..];
        return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
    }

    private static (int Status, bool Http10) ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // "HTTP/1.x SSS[ reason]"
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' ' || (line.Length > 12 && line[12] != ' ')
            || line[7] is not ((byte)'0' or (byte)'1')
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status < 100)
            throw UpstreamHttpException.Invalid("malformed status line");
        return (status, line[7] == '0');
    }

    private static string ContentTypeOf(ReadOnlySpan<byte> value)
    {
        // The upstream's usual values come back as constants: a stream's head then costs no string.
        if (Ascii.EqualsIgnoreCase(value, "text/event-stream"u8)) return EventStream;
        if (Ascii.EqualsIgnoreCase(value, "text/event-stream; charset=utf-8"u8)) return EventStreamUtf8;
        if (Ascii.EqualsIgnoreCase(value, "application/json"u8)) return Json;
        if (Ascii.EqualsIgnoreCase(value, "application/json; charset=utf-8"u8)) return JsonUtf8;
        return Encoding.Latin1.GetString(value);
    }

    private static long ContentLengthOf(ReadOnlySpan<byte> value, long previous)
    {
        if (value.IsEmpty || !Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0
            || value[0] is (byte)'+' or (byte)'-')
            throw UpstreamHttpException.Invalid("bad Content-Length");
        if (previous >= 0 && previous != length) throw UpstreamHttpException.Invalid("conflicting Content-Length");
        return length;
    }

    private static bool LastCodingIsChunked(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        var last = (comma < 0 ? value : value[(comma + 1)..]).Trim(" \t"u8);
        return Ascii.EqualsIgnoreCase(last, "chunked"u8);
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token)) return true;
        return false;
    }
}
