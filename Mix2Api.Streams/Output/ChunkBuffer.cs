using System.Buffers;

namespace Mix2Api.Streams.Output;

/// <summary>
/// Where one SSE chunk is assembled before it goes to the response pipe in a single write. The
/// response pipe takes a lock on every write, so one write per chunk instead of a dozen matters; the
/// array is pooled and given back after each chunk, so an idle stream holds none.
/// </summary>
internal sealed class ChunkBuffer : IBufferWriter<byte>
{
    private byte[]? _array;
    private int _written;

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

    public void Release()
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
            _array = ArrayPool<byte>.Shared.Rent(Math.Max(1024, needed));
            return;
        }
        if (_array.Length - _written >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + needed));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
