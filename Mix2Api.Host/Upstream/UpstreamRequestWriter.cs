using System.Buffers;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Writes a chat request (a JSON POST) on an upstream connection: head and body in one pooled buffer and one write.
/// Header values must be visible ASCII (or tab): anything else could split the head, so it is refused before sending.
/// </summary>
public static class UpstreamRequestWriter
{
    /// <summary>Sends <paramref name="headers"/> (name, value; a null value is left out) and the body.</summary>
    public static async ValueTask SendAsync(UpstreamConnection connection, string path, ReadOnlyMemory<byte> body,
        (string Name, string? Value)[] headers, CancellationToken cancellationToken)
    {
        var endpoint = connection.Endpoint;
        var size = HeadSize(path, endpoint.Authority, headers) + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = Write(buffer, path, endpoint.Authority, body.Span, headers);
            await connection.Stream.WriteAsync(buffer.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Nothing of a response can have come back before the request was out.
            throw new UpstreamHttpException(HttpRequestError.ConnectionError, "writing the request to the upstream failed", ex) { NothingReceived = true };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Write(Span<byte> buffer, string path, string authority, ReadOnlySpan<byte> body, (string Name, string? Value)[] headers)
    {
        var w = new Cursor(buffer);
        w.Ascii("POST ");
        w.Ascii(path);
        w.Ascii(" HTTP/1.1\r\n");
        w.Header("host", authority);
        w.Header("content-type", "application/json");
        w.Ascii("content-length: ");
        w.Number(body.Length);
        w.Ascii("\r\n");
        foreach (var (name, value) in headers)
            if (value is not null) w.Header(name, value);
        w.Ascii("\r\n");
        return w.Bytes(body);
    }

    private static int HeadSize(string path, string authority, (string Name, string? Value)[] headers)
    {
        // Request line, host, content type, content length with room for its digits, the empty line.
        var size = 16 + path.Length + 8 + authority.Length + 32 + 32 + 2;
        foreach (var (name, value) in headers)
            if (value is not null) size += name.Length + value.Length + 4;
        return size;
    }

    private ref struct Cursor(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;

        public void Header(string name, string value)
        {
            Ascii(name);
            Ascii(": ");
            foreach (var c in value)
                if (c is < ' ' and not '\t' or > '~')
                    throw new UpstreamConnectException(timedOut: false, "InvalidRequestHeader",
                        new ArgumentException($"the upstream request header {name} has a character that cannot be sent"));
            Ascii(value);
            Ascii("\r\n");
        }

        public void Ascii(string text)
        {
            _length += System.Text.Encoding.ASCII.GetBytes(text, _buffer[_length..]);
        }

        public void Number(int value)
        {
            value.TryFormat(_buffer[_length..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
            _length += digits;
        }

        /// <summary>Appends the body; returns the request's whole length.</summary>
        public int Bytes(ReadOnlySpan<byte> body)
        {
            body.CopyTo(_buffer[_length..]);
            return _length + body.Length;
        }
    }
}
