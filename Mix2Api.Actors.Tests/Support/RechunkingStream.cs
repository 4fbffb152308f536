namespace Mix2Api.Tests.Support;

/// <summary>
/// Akka's Rechunker idea: serves its bytes in seeded random chunk sizes and completes some reads
/// asynchronously, so parsers meet every split point (inside lines, inside UTF-8 sequences) and
/// both the synchronous and the asynchronous read paths, reproducibly per seed.
/// </summary>
public sealed class RechunkingStream(byte[] data, int seed, int maxChunk = 23) : ReadOnlyTestStream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_random.Next(3) == 0) await Task.Yield();
        var n = Math.Min(Math.Min(_random.Next(1, maxChunk + 1), buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer.Span);
        _position += n;
        return n;
    }
}
