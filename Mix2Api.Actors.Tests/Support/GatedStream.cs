using System.Threading.Channels;

namespace Mix2Api.Tests.Support;

/// <summary>
/// An upstream body the test feeds by hand: a read returns what was pushed, or blocks until the
/// next push, <see cref="End"/>, or cancellation. <see cref="Waiting"/> tells the test that the
/// reader is blocked, so a clock can be advanced exactly then.
/// </summary>
public sealed class GatedStream : ReadOnlyTestStream
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private TaskCompletionSource _waiting = NewSignal();
    private readonly TaskCompletionSource _readCancelled = NewSignal();
    private byte[] _current = [];
    private int _offset;

    /// <summary>Completes when a read finds nothing pushed and starts to wait; renewed by <see cref="Push"/>.</summary>
    public Task Waiting => Volatile.Read(ref _waiting).Task;

    /// <summary>Completes when a waiting read was cancelled (the reader gave the upstream up).</summary>
    public Task ReadCancelled => _readCancelled.Task;

    /// <summary>True once a read returned 0 (the reader reached the end of the body).</summary>
    public bool ReadToEnd { get; private set; }

    public void Push(string text) => Push(System.Text.Encoding.UTF8.GetBytes(text));

    public void Push(byte[] bytes)
    {
        Volatile.Write(ref _waiting, NewSignal());
        _chunks.Writer.TryWrite(bytes);
    }

    public void End() => _chunks.Writer.TryComplete();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _current.Length)
        {
            if (!_chunks.Reader.TryRead(out var next))
            {
                Volatile.Read(ref _waiting).TrySetResult();
                try
                {
                    if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
                    {
                        ReadToEnd = buffer.Length > 0;
                        return 0;
                    }
                }
                catch (OperationCanceledException)
                {
                    _readCancelled.TrySetResult();
                    throw;
                }
                continue;
            }
            (_current, _offset) = (next, 0);
        }
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
