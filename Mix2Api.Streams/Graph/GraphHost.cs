using System.Collections.Concurrent;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One long-lived stream interpreter that request graphs run inside. The actor materializer gives every graph an
/// actor of its own, created, started, stopped and unwatched per request: a tenth of a short request's CPU and 3 KB
/// of each open stream. A graph materialized with a stage's sub-fusing materializer instead joins that stage's
/// interpreter actor as one more island (a <c>GraphInterpreterShell</c>), the way Akka's own <c>FlatMapMerge</c>
/// runs its substreams; each island still runs its own stages, timers, failures and supervision, and ends on its
/// own. Graphs come in through a queue and one async callback; when the host is gone they are refused
/// (<see cref="IHostedGraph.Refuse"/>), never left waiting.
/// </summary>
public sealed class GraphHost
{
    private readonly ConcurrentQueue<IHostedGraph> _pending = new();
    private Action? _wake;
    private int _woken;
    private volatile bool _stopped;

    private GraphHost()
    {
    }

    /// <summary>True once the host's interpreter stopped (its materializer shut down); it refuses every graph from then on.</summary>
    public bool IsStopped => _stopped;

    /// <summary>Starts a host on <paramref name="materializer"/>; graphs posted before it is running wait for it.</summary>
    public static GraphHost Start(IMaterializer materializer)
    {
        var host = new GraphHost();
        Source.FromGraph(new GraphHostStage(host)).RunWith(Sink.Ignore<NotUsed>(), materializer);
        return host;
    }

    /// <summary>Runs <paramref name="graph"/> on this host's interpreter, soon, on that interpreter's thread.</summary>
    public void Post(IHostedGraph graph)
    {
        _pending.Enqueue(graph);
        if (_stopped)
        {
            RefusePending();
            return;
        }
        // One wake-up per batch: the host drains everything queued when it runs.
        if (Interlocked.Exchange(ref _woken, 1) == 0) Volatile.Read(ref _wake)?.Invoke();
    }

    private void RefusePending()
    {
        while (_pending.TryDequeue(out var graph)) graph.Refuse(new NodeShuttingDownException());
    }

    private sealed class GraphHostStage(GraphHost host) : GraphStage<SourceShape<NotUsed>>
    {
        private readonly Outlet<NotUsed> _out = new("GraphHost.out");

        public override SourceShape<NotUsed> Shape => new(_out);

        protected override Attributes InitialAttributes { get; } = Attributes.CreateName("GraphHost");

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, host);

        private sealed class Logic : OutGraphStageLogic
        {
            private readonly GraphHost _host;

            public Logic(GraphHostStage stage, GraphHost host) : base(stage.Shape)
            {
                _host = host;
                SetHandler(stage._out, this);
            }

            public override void PreStart()
            {
                // Published before the first drain: a graph posted meanwhile is either drained here or wakes us.
                Volatile.Write(ref _host._wake, GetAsyncCallback(RunPending));
                RunPending();
            }

            private void RunPending()
            {
                Volatile.Write(ref _host._woken, 0);
                var materializer = SubFusingMaterializer;
                while (_host._pending.TryDequeue(out var graph))
                {
                    try
                    {
                        graph.Materialize(materializer);
                    }
                    catch (Exception ex)
                    {
                        graph.Refuse(ex);
                    }
                }
            }

            // The host never emits; it lives until its materializer shuts down.
            public override void OnPull()
            {
            }

            public override void PostStop()
            {
                _host._stopped = true;
                _host.RefusePending();
            }
        }
    }
}
