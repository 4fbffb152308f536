using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Sse;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// Upstream bytes → UI message frames: SSE framing (<see cref="SseEventParser"/>) fused with
/// <see cref="UiFrameParser"/>, so each event's data is parsed where it lies instead of being copied into
/// an event object first. One batch out per network read; the first read always yields a batch (possibly
/// empty), which tells the rest of the graph that the upstream has answered. SSE <c>event:</c>,
/// <c>id:</c>, <c>retry:</c> and comments are read per the specification and are not data.
/// </summary>
public static class UiFrameDecoding
{
    /// <summary>Fails with <see cref="UpstreamFrameTooLargeException"/> past <paramref name="maxFrameBytes"/>.</summary>
    public static Flow<PooledBytes, UiFrameBatch, NotUsed> Create(int maxFrameBytes)
        => Flow.FromGraph(new UiFrameDecodingStage(maxFrameBytes)).Named("UiFrameDecoding");

    private sealed class UiFrameDecodingStage(int maxFrameBytes) : GraphStage<FlowShape<PooledBytes, UiFrameBatch>>
    {
        private readonly int _maxFrameBytes = maxFrameBytes;
        private readonly Inlet<PooledBytes> _in = new("UiFrameDecoding.in");
        private readonly Outlet<UiFrameBatch> _out = new("UiFrameDecoding.out");

        private FlowShape<PooledBytes, UiFrameBatch>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override FlowShape<PooledBytes, UiFrameBatch> Shape => _shape ??= new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : InAndOutGraphStageLogic, ISseEventHandler
        {
            private readonly UiFrameDecodingStage _stage;
            private readonly SseEventParser _parser;
            private UiFrameBatch? _batch;
            private bool _answered;

            protected override object LogSource => "UiFrameDecoding";

            // Port counts, not the shape: Akka's shape constructor formats the shape into a log-source string for every
            // request's logic; the stage's name (LogSource) serves instead.
            public Logic(UiFrameDecodingStage stage) : base(inCount: 1, outCount: 1)
            {
                _stage = stage;
                _parser = new SseEventParser(stage._maxFrameBytes);
                SetHandler(stage._in, this);
                SetHandler(stage._out, this);
            }

            public override void OnPush()
            {
                var chunk = Grab(_stage._in);
                // The batch pushed last is refilled once its reader handed it back (then it holds no array); one still
                // held stays the reader's.
                if (_batch is { Returned: false, Count: > 0 }) _batch = null;
                else _batch?.Clear();
                try
                {
                    _parser.Feed(chunk.Span, this);
                }
                finally
                {
                    chunk.Release();
                }
                if (_batch is { Count: > 0 })
                {
                    _answered = true;
                    Push(_stage._out, _batch);
                }
                else if (!_answered)
                {
                    _answered = true;
                    Push(_stage._out, UiFrameBatch.Empty);
                }
                else Pull(_stage._in);
            }

            public override void OnPull() => Pull(_stage._in);

            public void OnEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ReadOnlySpan<byte> lastEventId)
            {
                var batch = _batch ??= new UiFrameBatch();
                if (UiFrameParser.TryPlainTextDelta(data, out var text)) batch.AddTextDelta(text);
                else batch.Add(UiFrameParser.ParseWithReader(data));
            }

            public override void PostStop()
            {
                _parser.Dispose();
                // A batch its reader still holds stays whole (the GC takes its array).
                if (_batch is { Count: 0 }) _batch.Release();
            }
        }
    }
}
