using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// The node's <see cref="GraphHost"/>s, one per core by default: request graphs are spread over them in turn, so
/// the graphs of one node use every core while no request creates an actor of its own.
/// </summary>
public sealed class GraphHostPool
{
    private readonly GraphHost[] _hosts;
    private int _next;

    public GraphHostPool(IMaterializer materializer, int hosts = 0)
    {
        _hosts = new GraphHost[hosts > 0 ? hosts : Environment.ProcessorCount];
        for (var i = 0; i < _hosts.Length; i++) _hosts[i] = GraphHost.Start(materializer);
    }

    /// <summary>Runs <paramref name="graph"/> on the next host.</summary>
    public void Run(IHostedGraph graph) => _hosts[(int)((uint)Interlocked.Increment(ref _next) % (uint)_hosts.Length)].Post(graph);
}
