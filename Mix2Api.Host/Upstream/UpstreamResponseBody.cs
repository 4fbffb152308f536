using System.Buffers;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// An upstream response's body as a read-only stream, framed by its head (Content-Length, chunked or until close).
/// Bytes that came with the head are served first from the head's pooled buffer; after that each read goes from the
/// socket straight into the caller's buffer and chunk framing is removed in place. A zero-byte read waits for data
/// without a buffer. Read to its end, the body hands its connection back to the pool at once; disposed earlier, or
/// after any failure, it closes the connection, so a response nobody finished never reaches another request.
/// </summary>
public sealed class UpstreamResponseBody : Stream
{
    private readonly UpstreamConnectionPool _pool;
    private readonly BodyFraming _framing;
    private readonly bool _reusable;
    private UpstreamConnection? _connection;
    private long _remaining;
    private ChunkedDecoder _chunked;
    private byte[]? _held;
    private int _heldStart;
    private readonly int _heldEnd;
    private bool _done;

    /// <param name="held">The head's pooled buffer (owned from here on) with body bytes at [heldStart, heldEnd).</param>
    internal UpstreamResponseBody(UpstreamConnection connection, UpstreamConnectionPool pool, ResponseHead head, byte[] held, int heldStart, int heldEnd)
    {
        _connection = connection;
        _pool = pool;
        _framing = head.Framing;
        _reusable = !head.Close;
        _remaining = head.ContentLength;
        _held = held;
        _heldStart = heldStart;
        _heldEnd = heldEnd;
        if (heldStart == heldEnd) ReleaseHeld();
        if (_framing == BodyFraming.None || (_framing == BodyFraming.ContentLength && _remaining == 0)) Finish(extraBytes: _held is not null);
    }

    /// <summary>The whole body was read: its connection went back to the pool (or was closed when it could not be kept).</summary>
    public bool Completed => _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            while (!_done)
            {
                int raw;
                var held = _held;
                if (held is not null)
                {
                    if (buffer.IsEmpty) return 0;
                    raw = Math.Min(_heldEnd - _heldStart, buffer.Length);
                    held.AsSpan(_heldStart, raw).CopyTo(buffer.Span);
                }
                else
                {
                    var connection = _connection ?? throw new ObjectDisposedException(nameof(UpstreamResponseBody));
                    if (buffer.IsEmpty)
                    {
                        await connection.Stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                        return 0;
                    }
                    var want = _framing == BodyFraming.ContentLength ? (int)Math.Min(buffer.Length, _remaining) : buffer.Length;
                    raw = await connection.Stream.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
                    if (raw == 0)
                    {
                        if (_framing != BodyFraming.UntilClose) throw UpstreamHttpException.Ended();
                        Finish();
                        return 0;
                    }
                }
                var payload = Unframe(buffer.Span[..raw], out var consumed);
                if (held is not null)
                {
                    _heldStart += consumed;
                    if (_heldStart == _heldEnd) ReleaseHeld();
                }
                if (_done) Finish(extraBytes: consumed < raw || _held is not null);
                if (payload > 0) return payload;
            }
            return 0;
        }
        catch
        {
            CloseConnection();
            throw;
        }
    }

    /// <summary>Removes the framing from <paramref name="raw"/> (moving the payload to its start); sets done at the body's end.</summary>
    private int Unframe(Span<byte> raw, out int consumed)
    {
        switch (_framing)
        {
            case BodyFraming.ContentLength:
                consumed = (int)Math.Min(raw.Length, _remaining);
                _remaining -= consumed;
                _done = _remaining == 0;
                return consumed;
            case BodyFraming.Chunked:
                var payload = _chunked.Decode(raw, out consumed);
                _done = _chunked.Done;
                return payload;
            default:
                consumed = raw.Length;
                return raw.Length;
        }
    }

    /// <summary>The body ended: the connection goes back to the pool unless it may not be kept.</summary>
    private void Finish(bool extraBytes = false)
    {
        _done = true;
        if (Interlocked.Exchange(ref _connection, null) is not { } connection) return;
        // Bytes after the body's end were never asked for: the connection is out of step and is closed.
        if (_reusable && !extraBytes) _pool.Return(connection);
        else connection.Dispose();
    }

    private void CloseConnection()
    {
        Interlocked.Exchange(ref _connection, null)?.Dispose();
        ReleaseHeld();
    }

    private void ReleaseHeld()
    {
        if (Interlocked.Exchange(ref _held, null) is { } held) ArrayPool<byte>.Shared.Return(held);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseConnection();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
        => throw new NotSupportedException("the upstream body is read asynchronously");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
