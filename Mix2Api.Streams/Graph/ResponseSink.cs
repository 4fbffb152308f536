using System.Buffers;
using System.IO.Pipelines;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// The request graph's sink: writes each element to the client's <see cref="PipeWriter"/> and awaits the
/// flush before it asks for the next one, so a slow client slows the whole graph down to the upstream read
/// (backpressure). Heartbeats (the dialect's keep-alive element) are dropped until the upstream has
/// answered: before that, a failure must still be an HTTP status, which one written byte would prevent.
/// A closed or failing client connection fails the graph with <see cref="ClientWriteFailedException"/>.
/// When the graph fails while a flush is pending, the flush is cancelled and awaited before
/// <see cref="ResponseProgress.Completion"/> faults, so the pipe is free for the terminal error event.
/// </summary>
public static class ResponseSink
{
    /// <summary>
    /// Where one request's response goes, and the <see cref="ResponseProgress"/> the sink reports into. An attribute,
    /// so a pre-built graph (<see cref="ChatStreamGraph"/>) gets it at materialization instead of being rebuilt per request.
    /// </summary>
    public sealed record Target(PipeWriter Pipe) : Attributes.IAttribute
    {
        /// <summary>The client side's progress; the sink's materialized value, there before the graph runs.</summary>
        public ResponseProgress Progress { get; } = new();
    }

    /// <summary>The sink bound to one client's pipe (materialize it once: the pipe is one client's).</summary>
    /// <param name="heartbeat">The element the graph injects as a heartbeat (the dialect's keep-alive; OpenAI's comment by default).</param>
    public static Sink<PooledBytes, ResponseProgress> Create(PipeWriter pipe, PooledBytes? heartbeat = null)
        => Create(heartbeat).AddAttributes(new Attributes(new Target(pipe)));

    /// <summary>The sink taking its <see cref="Target"/> from the attributes it is materialized with.</summary>
    public static Sink<PooledBytes, ResponseProgress> Create(PooledBytes? heartbeat)
        => Sink.FromGraph(new ResponseSinkStage(heartbeat ?? OpenAiSseWriter.Heartbeat)).Named("ResponseSink");

    private sealed class ResponseSinkStage(PooledBytes heartbeat) : GraphStageWithMaterializedValue<SinkShape<PooledBytes>, ResponseProgress>
    {
        private readonly PooledBytes _heartbeat = heartbeat;
        private readonly Inlet<PooledBytes> _in = new("ResponseSink.in");

        private SinkShape<PooledBytes>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override SinkShape<PooledBytes> Shape => _shape ??= new(_in);

        public override ILogicAndMaterializedValue<ResponseProgress> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var target = RequestPart.Required<Target>(inheritedAttributes);
            return new LogicAndMaterializedValue<ResponseProgress>(new Logic(this, target.Pipe, target.Progress), target.Progress);
        }

        private sealed class Logic : InGraphStageLogic
        {
            private readonly Inlet<PooledBytes> _in;
            private readonly PipeWriter _pipe;
            private readonly PooledBytes _heartbeat;
            private readonly ResponseProgress _progress;
            private Action<Task<FlushResult>>? _onFlushed;
            private Task<FlushResult>? _pendingFlush;
            private bool _answered;
            private bool _finishing;

            protected override object LogSource => "ResponseSink";

            // Port counts, not the shape: Akka's shape constructor formats the shape into a log-source string for every
            // request's logic; the stage's name (LogSource) serves instead.
            public Logic(ResponseSinkStage stage, PipeWriter pipe, ResponseProgress progress) : base(inCount: 1, outCount: 0)
            {
                _in = stage._in;
                _pipe = pipe;
                _heartbeat = stage._heartbeat;
                _progress = progress;
                SetHandler(_in, this);
            }

            public override void PreStart()
            {
                _onFlushed = GetAsyncCallback<Task<FlushResult>>(OnFlushed);
                // The upstream may finish while the last flush is still pending: the stage ends itself, after it.
                SetKeepGoing(true);
                Pull(_in);
            }

            public override void OnPush()
            {
                var bytes = Grab(_in);
                var heartbeat = ReferenceEquals(bytes, _heartbeat);
                if (!heartbeat) _answered = true;
                if (bytes.Length == 0 || (heartbeat && !_answered))
                {
                    Pull(_in);
                    return;
                }
                ValueTask<FlushResult> flush;
                try
                {
                    _pipe.Write(bytes.Span);
                    _progress.Started = true;
                    flush = _pipe.FlushAsync();
                }
                catch (Exception ex)
                {
                    Fail(new ClientWriteFailedException(ex));
                    return;
                }
                finally
                {
                    bytes.Release();
                }
                if (flush.IsCompleted)
                {
                    OnFlushed(flush.AsTask());
                    return;
                }
                var task = _pendingFlush = flush.AsTask();
                task.ContinueWith(static (t, s) => ((Logic)s!)._onFlushed!(t), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            private void OnFlushed(Task<FlushResult> flush)
            {
                _pendingFlush = null;
                if (_finishing) return;
                if (!flush.IsCompletedSuccessfully)
                {
                    Fail(new ClientWriteFailedException(flush.Exception?.InnerException));
                    return;
                }
                var result = flush.Result;
                if (result.IsCompleted || result.IsCanceled)
                {
                    Fail(new ClientWriteFailedException());
                    return;
                }
                if (IsClosed(_in)) Finish(null);
                else Pull(_in);
            }

            public override void OnUpstreamFinish()
            {
                if (_pendingFlush is null) Finish(null);
                // else: the pending flush's completion finishes the stage (see OnFlushed).
            }

            public override void OnUpstreamFailure(Exception e) => Finish(e);

            /// <summary>Ends the stage; a failure first cancels a pending flush and completes the progress only after it settled.</summary>
            private void Finish(Exception? failure)
            {
                _finishing = true;
                if (failure is null)
                {
                    _progress.Complete();
                    CompleteStage();
                    return;
                }
                if (_pendingFlush is { } pending)
                {
                    _pipe.CancelPendingFlush();
                    pending.ContinueWith(static (_, s) =>
                    {
                        var (progress, error) = ((ResponseProgress, Exception))s!;
                        progress.Fail(error);
                    }, (_progress, failure), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                else _progress.Fail(failure);
                FailStage(failure);
            }

            private void Fail(Exception failure)
            {
                _finishing = true;
                _progress.Fail(failure);
                FailStage(failure);
            }

            public override void PostStop()
            {
                // A stop without completion or failure (the node's materializer shut down) still settles the progress.
                if (_pendingFlush is null) _progress.Fail(new NodeShuttingDownException());
            }
        }
    }
}
