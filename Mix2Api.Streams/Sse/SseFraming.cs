using System.Text;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Buffers;

namespace Mix2Api.Streams.Sse;

/// <summary>
/// SSE framing as a stream stage: network reads in, the events each read completes out, as one batch
/// per read (an empty read completes none and emits nothing). The request graph fuses this framing with
/// frame decoding (<see cref="Protocol.UiFrameDecoding"/>) so event data is parsed where it lies; this
/// stage is the framing alone, for what needs the SSE fields themselves.
/// </summary>
public static class SseFraming
{
    /// <summary>Bytes → SSE events; fails with <see cref="UpstreamFrameTooLargeException"/> past <paramref name="maxFrameBytes"/>.</summary>
    public static Flow<PooledBytes, IReadOnlyList<SseEvent>, NotUsed> Events(int maxFrameBytes)
        => Flow.FromGraph(new SseFramingStage(maxFrameBytes)).Named("SseFraming");

    private sealed class SseFramingStage(int maxFrameBytes) : GraphStage<FlowShape<PooledBytes, IReadOnlyList<SseEvent>>>
    {
        private readonly int _maxFrameBytes = maxFrameBytes;
        private readonly Inlet<PooledBytes> _in = new("SseFraming.in");
        private readonly Outlet<IReadOnlyList<SseEvent>> _out = new("SseFraming.out");

        private FlowShape<PooledBytes, IReadOnlyList<SseEvent>>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override FlowShape<PooledBytes, IReadOnlyList<SseEvent>> Shape => _shape ??= new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : InAndOutGraphStageLogic, ISseEventHandler
        {
            private readonly SseFramingStage _stage;
            private readonly SseEventParser _parser;
            private List<SseEvent>? _batch;

            public Logic(SseFramingStage stage) : base(stage.Shape)
            {
                _stage = stage;
                _parser = new SseEventParser(stage._maxFrameBytes);
                SetHandler(stage._in, this);
                SetHandler(stage._out, this);
            }

            public override void OnPush()
            {
                var chunk = Grab(_stage._in);
                try
                {
                    _parser.Feed(chunk.Span, this);
                }
                finally
                {
                    chunk.Release();
                }
                if (_batch is { } batch)
                {
                    _batch = null;
                    Push(_stage._out, batch);
                }
                else Pull(_stage._in);
            }

            public override void OnPull() => Pull(_stage._in);

            public void OnEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ReadOnlySpan<byte> lastEventId)
                => (_batch ??= []).Add(new SseEvent(
                    eventType.IsEmpty ? "message" : Encoding.UTF8.GetString(eventType),
                    Encoding.UTF8.GetString(data), Encoding.UTF8.GetString(lastEventId), _parser.RetryMs));

            public override void PostStop() => _parser.Dispose();
        }
    }
}
