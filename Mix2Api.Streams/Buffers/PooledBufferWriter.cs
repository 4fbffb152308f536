using System.Buffers;

namespace Mix2Api.Streams.Buffers;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> on pooled arrays. <see cref="Detach"/> hands what was
/// written over as a <see cref="PooledBytes"/> element and starts empty again, so an idle stream
/// holds no array at all.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private readonly int _initialSize;
    private byte[]? _array;
    private int _written;

    public PooledBufferWriter(int initialSize = 1024) => _initialSize = initialSize;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _array is null ? default : _array.AsSpan(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    /// <summary>What was written since the last call, as one element; null when nothing was.</summary>
    public PooledBytes? Detach()
    {
        if (_written == 0) return null;
        var bytes = PooledBytes.Rented(_array!, _written);
        _array = null;
        _written = 0;
        return bytes;
    }

    /// <summary>Forgets what was written and gives the array back.</summary>
    public void Clear()
    {
        if (_array is not null) ArrayPool<byte>.Shared.Return(_array);
        _array = null;
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array is null)
        {
            _array = ArrayPool<byte>.Shared.Rent(Math.Max(_initialSize, needed));
            return;
        }
        if (_array.Length - _written >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + needed));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
