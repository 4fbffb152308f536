using System.Diagnostics;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// The upstream's first-byte and idle deadlines, placed right after the upstream source. Akka's
/// <c>InitialTimeout</c>/<c>IdleTimeout</c> are not used here: <c>IdleTimeout</c> fails whenever no element
/// passes, which also happens while a slow client backpressures, and both raise a plain
/// <see cref="TimeoutException"/> that cannot be told apart from the total deadline's. This stage counts
/// idleness only while it is asking the upstream for data (pulled and not yet pushed), so a client that
/// drains slowly never looks like a silent upstream, and it fails with a typed
/// <see cref="UpstreamTimeoutException"/>. The idle timer is re-armed lazily: an element costs a
/// timestamp, not a timer. Its timers are <see cref="ReleasingTimer"/>s, so a finished graph is not kept alive by them.
/// </summary>
public static class UpstreamTimeouts
{
    /// <param name="firstByte">From materialization (connect and headers included) to the first element; zero disables.</param>
    /// <param name="idle">Between elements while data is being asked for; zero disables.</param>
    public static Flow<T, T, NotUsed> Create<T>(TimeSpan firstByte, TimeSpan idle)
        => Flow.FromGraph(new UpstreamTimeoutsStage<T>(firstByte, idle)).Named("UpstreamTimeouts");

    private sealed class UpstreamTimeoutsStage<T>(TimeSpan firstByte, TimeSpan idle) : GraphStage<FlowShape<T, T>>
    {
        private readonly TimeSpan _firstByte = firstByte;
        private readonly TimeSpan _idle = idle;
        private readonly Inlet<T> _in = new("UpstreamTimeouts.in");
        private readonly Outlet<T> _out = new("UpstreamTimeouts.out");

        private FlowShape<T, T>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override FlowShape<T, T> Shape => _shape ??= new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly UpstreamTimeoutsStage<T> _stage;
            private Action<ReleasingTimer>? _onTimer;
            private ReleasingTimer? _firstByteTimer;
            private ReleasingTimer? _idleTimer;
            private bool _firstSeen;
            private bool _asking;
            private long _askingSince;

            public Logic(UpstreamTimeoutsStage<T> stage) : base(inCount: 1, outCount: 1)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: () =>
                {
                    if (!_firstSeen)
                    {
                        _firstSeen = true;
                        _firstByteTimer?.Cancel();
                        _firstByteTimer = null;
                    }
                    _asking = false;
                    Push(stage._out, Grab(stage._in));
                });
                SetHandler(stage._out, onPull: () =>
                {
                    Pull(stage._in);
                    if (!_firstSeen || stage._idle <= TimeSpan.Zero) return;
                    _asking = true;
                    _askingSince = Stopwatch.GetTimestamp();
                    _idleTimer ??= Start(stage._idle);
                });
            }

            public override void PreStart()
            {
                _onTimer = GetAsyncCallback<ReleasingTimer>(OnTimer);
                if (_stage._firstByte > TimeSpan.Zero) _firstByteTimer = Start(_stage._firstByte);
            }

            public override void PostStop()
            {
                _firstByteTimer?.Cancel();
                _idleTimer?.Cancel();
            }

            private ReleasingTimer Start(TimeSpan delay) => ReleasingTimer.Start(Materializer, delay, _onTimer!);

            private void OnTimer(ReleasingTimer timer)
            {
                if (ReferenceEquals(timer, _firstByteTimer))
                {
                    FailStage(new UpstreamTimeoutException(UpstreamTimeoutKind.FirstByte, _stage._firstByte));
                    return;
                }
                if (!ReferenceEquals(timer, _idleTimer)) return;
                // The idle timer: fire only if we have been asking, without an answer, for the whole period.
                _idleTimer = null;
                if (!_asking) return;
                var waited = Stopwatch.GetElapsedTime(_askingSince);
                if (waited >= _stage._idle) FailStage(new UpstreamTimeoutException(UpstreamTimeoutKind.Idle, _stage._idle));
                else _idleTimer = Start(_stage._idle - waited);
            }
        }
    }
}
