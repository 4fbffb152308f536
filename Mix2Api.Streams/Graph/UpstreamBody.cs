using System.Buffers;
using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One request's upstream response body, shared by the endpoint, which opens it (<see cref="Open"/>) and settles
/// it after the client's response is closed, and the graph's source (<see cref="UpstreamSource"/>), which reads it
/// (an attribute of the graph's materialization):
/// after a normal finish it reads on to the end of the body (bounded) so the pooled connection is left
/// clean; otherwise the in-flight read is cancelled at once, which makes the upstream client close the
/// connection. No read is ever abandoned in flight: a read left running on a pooled connection would
/// consume the next response on it.
/// </summary>
public sealed class UpstreamBody : IAsyncDisposable, Attributes.IAttribute
{
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<bool> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Stream? _stream;
    private Task? _inFlight;
    private byte[]? _inFlightBuffer;
    private int _disposed;

    private UpstreamBody()
    {
    }

    /// <summary>
    /// Starts opening the upstream response now (the endpoint's function: credential, HTTP call, retries; it throws
    /// the typed failures of <see cref="Supervision"/>), on the caller's thread: the request is on its way while the
    /// graph is still being handed to its interpreter.
    /// </summary>
    public static UpstreamBody Open(Func<CancellationToken, Task<Stream>> open)
    {
        var body = new UpstreamBody();
        try
        {
            body.Opening = open(body._cts.Token);
        }
        catch (Exception ex)
        {
            body.Opening = Task.FromException<Stream>(ex);
        }
        if (!body.Opening.IsCompleted) body.Track(body.Opening, null);
        return body;
    }

    /// <summary>The open started by <see cref="Open"/>: the response body's stream, or the typed failure.</summary>
    internal Task<Stream> Opening { get; private set; } = null!;

    internal CancellationToken Token => _cts.Token;

    internal Stream? Stream => _stream;

    /// <summary>True once the graph released the body after a normal finish (the drain may read on).</summary>
    public Task<bool> Released => _released.Task;

    internal void Opened(Stream stream) => _stream = stream;

    /// <summary>Records an open or read that went asynchronous, so whoever settles the body can await it.</summary>
    internal void Track(Task operation, byte[]? buffer)
    {
        _inFlight = operation;
        _inFlightBuffer = buffer;
    }

    internal void Untrack()
    {
        _inFlight = null;
        _inFlightBuffer = null;
    }

    /// <summary>
    /// The graph is done with the body. After a normal finish what is still in flight is left for
    /// <see cref="DrainAsync"/>; otherwise it is cancelled now, so the upstream connection closes at once.
    /// </summary>
    internal void Release(bool normalFinish)
    {
        if (!_released.TrySetResult(normalFinish) || normalFinish) return;
        Cancel();
    }

    /// <summary>
    /// Reads on to the end of the body within <paramref name="budget"/> and <paramref name="maxBytes"/>
    /// (the upstream's <c>[DONE]</c> after its finish frame), then disposes it. Call after the client's
    /// response is complete. Past the budget the read is cancelled and the connection closed.
    /// </summary>
    public async Task DrainAsync(TimeSpan budget, int maxBytes)
    {
        try
        {
            var normal = await _released.Task.WaitAsync(budget).ConfigureAwait(false);
            if (!normal || _stream is null) return;
            _cts.CancelAfter(budget);
            var drained = 0L;
            if (_inFlight is Task<int> pending)
            {
                var n = await pending.ConfigureAwait(false);
                var probe = _inFlightBuffer is null;
                ReturnInFlightBuffer();
                if (n == 0 && !probe) return;
                drained += n;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (drained <= maxBytes)
                {
                    var n = await _stream.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
                    if (n == 0) return;
                    drained += n;
                }
                Cancel();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception)
        {
            // The client already has its whole answer; what the upstream does now only decides whether its connection is reused.
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Cancels what is in flight (closing the connection unless it finished), waits for it, and disposes the body.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _released.TrySetResult(false);
        Cancel();
        if (_inFlight is { } pending)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Cancelled on purpose, or the upstream failed: either way the body is done.
            }
            ReturnInFlightBuffer();
        }
        if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
        _cts.Dispose();
    }

    private void ReturnInFlightBuffer()
    {
        if (_inFlightBuffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _inFlightBuffer = null;
        _inFlight = null;
    }

    private void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
