using System.Buffers;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// The request graph's source: reads the upstream response its <see cref="UpstreamBody"/> attribute is opening and
/// emits one element per network read, in a pooled buffer. A read is started only on demand, so the upstream is never
/// read faster than the client drains. Each read first waits with an empty buffer (a zero-byte read) and rents its
/// buffer only once data is there, so a stream waiting on a quiet upstream holds no buffer. Materializes the body,
/// which the endpoint settles after the client's response is closed.
/// </summary>
public static class UpstreamSource
{
    /// <summary>Largest single read; a network read rarely brings more.</summary>
    public const int ReadBufferBytes = 16 * 1024;

    /// <summary>The source taking its <see cref="UpstreamBody"/> from the attributes it is materialized with.</summary>
    public static Source<PooledBytes, UpstreamBody> Create()
        => Source.FromGraph(new UpstreamSourceStage()).Named("UpstreamSource");

    private sealed class UpstreamSourceStage : GraphStageWithMaterializedValue<SourceShape<PooledBytes>, UpstreamBody>
    {
        private readonly Outlet<PooledBytes> _out = new("UpstreamSource.out");

        private SourceShape<PooledBytes>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override SourceShape<PooledBytes> Shape => _shape ??= new(_out);

        public override ILogicAndMaterializedValue<UpstreamBody> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var body = RequestPart.Required<UpstreamBody>(inheritedAttributes);
            return new LogicAndMaterializedValue<UpstreamBody>(new Logic(this, body), body);
        }

        private sealed class Logic : OutGraphStageLogic
        {
            private readonly Outlet<PooledBytes> _out;
            private readonly UpstreamBody _body;
            private Action<Task<Stream>>? _onOpened;
            private Action<Task<int>>? _onReadable;
            private Action<(Task<int> Read, byte[] Buffer)>? _onRead;
            private Stream? _stream;
            private bool _reading;
            private volatile bool _stopped;

            protected override object LogSource => "UpstreamSource";

            // Port counts, not the shape: Akka's shape constructor formats the shape into a log-source string for every
            // request's logic; the stage's name (LogSource) serves instead.
            public Logic(UpstreamSourceStage stage, UpstreamBody body) : base(inCount: 0, outCount: 1)
            {
                _out = stage._out;
                _body = body;
                SetHandler(_out, this);
            }

            public override void PreStart()
            {
                _onOpened = GetAsyncCallback<Task<Stream>>(OnOpened);
                _onReadable = GetAsyncCallback<Task<int>>(t => OnReadable(t));
                _onRead = GetAsyncCallback<(Task<int> Read, byte[] Buffer)>(r => OnRead(r.Read, r.Buffer));
                var opening = _body.Opening;
                if (opening.IsCompleted)
                {
                    OnOpened(opening);
                    return;
                }
                opening.ContinueWith(static (t, s) => ((Logic)s!).Deliver(t), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            private void Deliver(Task<Stream> opening)
            {
                if (!_stopped) _onOpened!(opening);
            }

            private void OnOpened(Task<Stream> opening)
            {
                _body.Untrack();
                if (!opening.IsCompletedSuccessfully)
                {
                    // Our own cancellation (the stage already stopped) needs no failure.
                    if (!_body.Token.IsCancellationRequested) FailStage(FailureOf(opening));
                    return;
                }
                _stream = opening.Result;
                _body.Opened(_stream);
                if (IsAvailable(_out)) Read();
            }

            public override void OnPull()
            {
                if (_stream is not null && !_reading) Read();
            }

            /// <summary>Waits for data without a buffer, then reads what arrived.</summary>
            private void Read()
            {
                _reading = true;
                ValueTask<int> probe;
                try
                {
                    probe = _stream!.ReadAsync(Memory<byte>.Empty, _body.Token);
                }
                catch (Exception ex)
                {
                    ReadFailed(ex);
                    return;
                }
                if (probe.IsCompleted)
                {
                    OnReadable(probe.AsTask());
                    return;
                }
                var task = probe.AsTask();
                _body.Track(task, null);
                task.ContinueWith(static (t, s) => ((Logic)s!).DeliverReadable(t), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            private void DeliverReadable(Task<int> probe)
            {
                if (!_stopped) _onReadable!(probe);
            }

            private void OnReadable(Task<int> probe)
            {
                _body.Untrack();
                if (!probe.IsCompletedSuccessfully)
                {
                    ReadFailed(FailureOf(probe));
                    return;
                }
                var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
                ValueTask<int> read;
                try
                {
                    read = _stream!.ReadAsync(buffer, _body.Token);
                }
                catch (Exception ex)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    ReadFailed(ex);
                    return;
                }
                if (read.IsCompleted)
                {
                    OnRead(read.AsTask(), buffer);
                    return;
                }
                var task = read.AsTask();
                _body.Track(task, buffer);
                task.ContinueWith(static (t, s) =>
                {
                    var (logic, rented) = ((Logic, byte[]))s!;
                    if (!logic._stopped) logic._onRead!((t, rented));
                }, (this, buffer), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            private void OnRead(Task<int> read, byte[] buffer)
            {
                _body.Untrack();
                _reading = false;
                if (!read.IsCompletedSuccessfully)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    ReadFailed(FailureOf(read));
                    return;
                }
                var n = read.Result;
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    CompleteStage();
                    return;
                }
                Push(_out, PooledBytes.Rented(buffer, n));
            }

            private void ReadFailed(Exception ex)
            {
                _reading = false;
                if (_body.Token.IsCancellationRequested) return;
                FailStage(new UpstreamReadException(ex));
            }

            /// <summary>The exception a failed task ended with (not the root of its inner chain: typed failures wrap their causes).</summary>
            private static Exception FailureOf(Task task)
                => task.Exception is { InnerExceptions: [var only] } ? only : task.Exception ?? (Exception)new TaskCanceledException(task);

            public override void OnDownstreamFinish(Exception cause)
            {
                // A normal end (the turn finished) leaves what is in flight to the endpoint's drain; anything else closes now.
                _body.Release(normalFinish: cause is SubscriptionWithCancelException.NonFailureCancellation);
                base.OnDownstreamFinish(cause);
            }

            public override void PostStop()
            {
                _stopped = true;
                _body.Release(normalFinish: false);
            }
        }
    }
}
