namespace Mix2Api.Tests.Support;

/// <summary>A read-only stream that hands out its bytes at most <c>chunkSize</c> at a time (1 = byte by byte).</summary>
public sealed class TrickleStream(byte[] data, int chunkSize = 1) : ReadOnlyTestStream
{
    private int _position;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var n = Math.Min(Math.Min(chunkSize, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer.Span);
        _position += n;
        return ValueTask.FromResult(n);
    }
}
