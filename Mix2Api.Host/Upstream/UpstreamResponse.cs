using System.Buffers;

namespace Mix2Api.Host.Upstream;

/// <summary>An upstream response: its head, and its body still on the connection.</summary>
public sealed class UpstreamResponse : IDisposable
{
    private const int HeadBufferBytes = 4096;

    private UpstreamResponse(ResponseHead head, UpstreamResponseBody body)
    {
        Head = head;
        Body = body;
    }

    public ResponseHead Head { get; }

    public int Status => Head.Status;

    public UpstreamResponseBody Body { get; }

    /// <summary>A JSON reply the client already read whole (to recognise an auth failure in a 2xx).</summary>
    public byte[]? Json { get; internal set; }

    /// <summary>
    /// Reads the head of the response to the request just sent on <paramref name="connection"/> (skipping interim
    /// 1xx responses) into a pooled buffer, which the body then owns with whatever body bytes came along.
    /// </summary>
    public static async Task<UpstreamResponse> ReadAsync(UpstreamConnection connection, UpstreamConnectionPool pool, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HeadBufferBytes);
        var filled = 0;
        var received = false;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int n;
                try
                {
                    n = await connection.Stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex) when (ex is not UpstreamHttpException)
                {
                    throw UpstreamHttpException.Ended(nothingReceived: !received, ex);
                }
                if (n == 0) throw UpstreamHttpException.Ended(nothingReceived: !received);
                received = true;
                filled += n;
                var start = 0;
                while (ResponseHeadParser.TryParse(buffer.AsSpan(start, filled - start), out var head, out var consumed))
                {
                    start += consumed;
                    if (head.Status == 101) throw UpstreamHttpException.Invalid("unexpected 101 Switching Protocols");
                    if (head.Status < 200) continue;
                    var body = new UpstreamResponseBody(connection, pool, head, buffer, start, filled);
                    buffer = null;
                    return new UpstreamResponse(head, body);
                }
                if (start > 0)
                {
                    buffer.AsSpan(start, filled - start).CopyTo(buffer);
                    filled -= start;
                }
            }
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The whole body, at most <paramref name="limit"/> bytes (more is an <see cref="UpstreamHttpException"/>).</summary>
    public async Task<byte[]> ReadBodyAsync(int limit, CancellationToken cancellationToken)
    {
        var expected = Head.Framing == BodyFraming.ContentLength ? Head.ContentLength : 4096;
        if (expected > limit) throw TooLarge(limit);
        var buffer = new byte[Math.Max(1, (int)expected)];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (Body.Completed) break;
                if (buffer.Length >= limit) throw TooLarge(limit);
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }
            var n = await Body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled == buffer.Length ? buffer : buffer[..filled];
    }

    private static UpstreamHttpException TooLarge(int limit)
        => new(HttpRequestError.ConfigurationLimitExceeded, $"the upstream response body exceeds {limit} bytes");

    public void Dispose() => Body.Dispose();
}
