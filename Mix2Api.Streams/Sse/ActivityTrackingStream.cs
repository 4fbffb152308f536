namespace Mix2Api.Streams.Sse;

/// <summary>
/// Read-only wrapper over the upstream body that (1) tells the deadlines about every byte, because
/// the SSE parser hides comment heartbeats, and (2) caps the length of one line so a frame cannot grow
/// without bound. (A missing end is the graph's to see: the frames stop without finish or [DONE].)
/// </summary>
public sealed class ActivityTrackingStream(Stream inner, RequestDeadlines deadlines, int maxLineBytes) : Stream
{
    private int _lineBytes;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0) return 0;
        deadlines.OnUpstreamBytes();
        TrackLines(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void TrackLines(ReadOnlySpan<byte> data)
    {
        var last = data.LastIndexOfAny((byte)'\n', (byte)'\r');
        _lineBytes = last < 0 ? _lineBytes + data.Length : data.Length - last - 1;
        if (_lineBytes > maxLineBytes) throw new UpstreamFrameTooLargeException(maxLineBytes);
    }

    public override int Read(byte[] buffer, int offset, int count)
        => throw new NotSupportedException("the upstream body is read asynchronously only");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
