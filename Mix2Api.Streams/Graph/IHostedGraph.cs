using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>A graph waiting for a <see cref="GraphHost"/> to run it.</summary>
public interface IHostedGraph
{
    /// <summary>Materializes the graph with the host's materializer, on the host's interpreter.</summary>
    void Materialize(IMaterializer materializer);

    /// <summary>The graph will not run (the host is gone, or materializing it threw): settle whatever waits on it.</summary>
    void Refuse(Exception reason);
}
