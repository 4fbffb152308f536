using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// A kill switch whose handle exists before its graph is materialized. Akka's <c>KillSwitches.Single</c> hands its
/// switch out as the materialized value, which a graph run inside a <see cref="GraphHost"/> never returns to the
/// endpoint; this one is a per-request attribute the endpoint creates and binds to the client's disconnect and the
/// node's shutdown first, so an abort that comes before the stage started is kept and applied when it starts.
/// Aborting fails the stage with the given typed failure (downstream) and cancels upstream, as Akka's does.
/// </summary>
public sealed class AbortSwitch : Attributes.IAttribute
{
    private Exception? _reason;
    private Action<Exception>? _fail;

    /// <summary>The stage taking its <see cref="AbortSwitch"/> from the attributes it is materialized with.</summary>
    public static Flow<T, T, NotUsed> Create<T>() => Flow.FromGraph(new AbortSwitchStage<T>()).Named("AbortSwitch");

    /// <summary>Ends the graph with <paramref name="reason"/>; the first abort wins, later ones do nothing.</summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is not null) return;
        Volatile.Read(ref _fail)?.Invoke(reason);
    }

    /// <summary>Binds the running stage; returns the abort that came before it, which the stage applies itself.</summary>
    private Exception? Bind(Action<Exception> fail)
    {
        // Written before reading: an abort racing with this either sees the callback or is seen here (a double
        // delivery only reaches a stage that already stopped, which the interpreter ignores).
        Volatile.Write(ref _fail, fail);
        return Volatile.Read(ref _reason);
    }

    private sealed class AbortSwitchStage<T> : GraphStage<FlowShape<T, T>>
    {
        private readonly Inlet<T> _in = new("AbortSwitch.in");
        private readonly Outlet<T> _out = new("AbortSwitch.out");

        private FlowShape<T, T>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override FlowShape<T, T> Shape => _shape ??= new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
            => new Logic(this, RequestPart.Required<AbortSwitch>(inheritedAttributes));

        private sealed class Logic : InAndOutGraphStageLogic
        {
            private readonly AbortSwitchStage<T> _stage;
            private readonly AbortSwitch _switch;

            protected override object LogSource => "AbortSwitch";

            // Port counts, not the shape: Akka's shape constructor formats the shape into a log-source string for every
            // request's logic; the stage's name (LogSource) serves instead.
            public Logic(AbortSwitchStage<T> stage, AbortSwitch abortSwitch) : base(inCount: 1, outCount: 1)
            {
                _stage = stage;
                _switch = abortSwitch;
                SetHandler(stage._in, this);
                SetHandler(stage._out, this);
            }

            public override void PreStart()
            {
                if (_switch.Bind(GetAsyncCallback<Exception>(FailStage)) is { } early) FailStage(early);
            }

            public override void OnPush() => Push(_stage._out, Grab(_stage._in));

            public override void OnPull() => Pull(_stage._in);
        }
    }
}
