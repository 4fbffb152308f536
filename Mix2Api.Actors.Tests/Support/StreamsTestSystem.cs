using Akka.Actor;
using Akka.Streams;

namespace Mix2Api.Tests.Support;

/// <summary>One real ActorSystem and materializer for the graph tests of this process (as the host has one per node).</summary>
public static class StreamsTestSystem
{
    private static readonly Lazy<ActorSystem> System = new(() => ActorSystem.Create("graph-tests",
        "akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off }"));

    private static readonly Lazy<IMaterializer> LazyMaterializer = new(() => System.Value.Materializer());

    public static IMaterializer Materializer => LazyMaterializer.Value;
}
