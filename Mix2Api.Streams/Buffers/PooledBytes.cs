using System.Buffers;

namespace Mix2Api.Streams.Buffers;

/// <summary>
/// One element of a request graph: the bytes of one network read, or one batch of output chunks. The
/// array usually comes from <see cref="ArrayPool{T}"/>; whoever consumes the element calls
/// <see cref="Release"/> once, so a stream holds a buffer only while it is being processed.
/// </summary>
public sealed class PooledBytes
{
    private byte[]? _array;
    private readonly bool _pooled;

    private PooledBytes(byte[] array, int length, bool pooled)
    {
        _array = array;
        Length = length;
        _pooled = pooled;
    }

    /// <summary>No bytes: a marker element (the upstream answered, nothing to write yet).</summary>
    public static readonly PooledBytes Empty = new([], 0, pooled: false);

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _array is null ? throw new ObjectDisposedException(nameof(PooledBytes)) : _array.AsSpan(0, Length);

    /// <summary>The bytes for an asynchronous reader, which must be done with them before <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _array is null ? throw new ObjectDisposedException(nameof(PooledBytes)) : _array.AsMemory(0, Length);

    /// <summary>Takes ownership of a rented array: <see cref="Release"/> returns it to the shared pool.</summary>
    public static PooledBytes Rented(byte[] array, int length) => new(array, length, pooled: true);

    /// <summary>Wraps bytes that are never returned to a pool (constants, tests).</summary>
    public static PooledBytes Unpooled(byte[] bytes) => new(bytes, bytes.Length, pooled: false);

    /// <summary>Gives the array back; the element must not be read afterwards. Idempotent.</summary>
    public void Release()
    {
        var array = Interlocked.Exchange(ref _array, _pooled ? null : _array);
        if (_pooled && array is not null) ArrayPool<byte>.Shared.Return(array);
    }
}
