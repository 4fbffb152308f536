using Akka.Actor;
using Akka.Streams;
using Mix2Api.Streams.Graph;

namespace Mix2Api.Tests.Support;

/// <summary>One real ActorSystem and materializer for the graph tests of this process (as the host has one per node).</summary>
public static class StreamsTestSystem
{
    private static readonly Lazy<ActorSystem> System = new(() => ActorSystem.Create("graph-tests",
        "akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off }"));

    private static readonly Lazy<IMaterializer> LazyMaterializer = new(() => System.Value.Materializer());

    private static readonly Lazy<GraphHostPool> LazyHosts = new(() => new GraphHostPool(LazyMaterializer.Value, hosts: 2));

    public static IMaterializer Materializer => LazyMaterializer.Value;

    /// <summary>The graph hosts request graphs run on, as in the host (two, so graphs share an interpreter and also spread).</summary>
    public static GraphHostPool Hosts => LazyHosts.Value;
}
