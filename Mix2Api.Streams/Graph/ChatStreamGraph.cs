using System.IO.Pipelines;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Implementation.Fusing;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One request, one materialized graph:
/// <code>
/// UpstreamSource ─► AbortSwitch ─► UpstreamTimeouts ─► UiFrameDecoding ─► ChatTurn ─► KeepAlive ─► CompletionTimeout ─► ResponseSink
///  (read the body   (client abort,  (first byte, idle    (SSE framing +      (transform  (heartbeat,   (total)              (write, flush,
///   being opened)    shutdown)       while asking)        frame parsing)      + encode)   streams only)                      backpressure)
/// </code>
/// The blueprint is built and fused once per node and shape (stream or not, the dialect's heartbeat): building
/// the DSL and fusing it cost more than the rest of a short request's graph. Each request then materializes
/// it with its own parts as attributes (its upstream body, abort switch, the turn's encoder and transform, the
/// client's pipe), which the stages read when they start; stages hold no ASP.NET types. The materialization
/// happens on one of the node's <see cref="GraphHost"/>s, so no request creates an actor. Elements are batches,
/// one per network read, so the per-element cost is paid per read, not per token. However the graph ends,
/// <see cref="ChatStreamRun.EndAsync"/> turns it into one <see cref="ExitDecision"/>.
/// </summary>
public sealed class ChatStreamGraph
{
    private readonly IGraph<ClosedShape, NotUsed> _blueprint;

    /// <param name="heartbeats">Streams get heartbeats (SSE_HEARTBEAT_MS); a non-stream response has nowhere to put them.</param>
    /// <param name="heartbeat">The dialect's keep-alive element (OpenAI's comment by default).</param>
    public ChatStreamGraph(GraphSettings settings, bool heartbeats, PooledBytes? heartbeat = null)
    {
        var beat = heartbeat ?? OpenAiSseWriter.Heartbeat;
        var graph = UpstreamSource.Create()
            .Via(AbortSwitch.Create<PooledBytes>())
            .Via(UpstreamTimeouts.Create<PooledBytes>(settings.FirstByteTimeout, settings.IdleTimeout))
            .Via(UiFrameDecoding.Create(settings.MaxFrameBytes))
            .Via(ChatTurn.Create());
        if (heartbeats && settings.HeartbeatInterval > TimeSpan.Zero)
            graph = graph.KeepAlive(settings.HeartbeatInterval, () => beat);
        if (settings.TotalTimeout > TimeSpan.Zero && settings.TotalTimeout != Timeout.InfiniteTimeSpan)
            graph = graph.CompletionTimeout(settings.TotalTimeout);
        _blueprint = Fusing.Aggressive(graph
            .ToMaterialized(ResponseSink.Create(beat), Keep.None)
            .AddAttributes(ChatStreamSupervision.Strategy));
    }

    /// <summary>
    /// Starts opening the upstream now and hands the graph to one of <paramref name="hosts"/>; the caller binds
    /// <see cref="ChatStreamRun.Abort"/> to its aborts and awaits <see cref="ChatStreamRun.EndAsync"/>.
    /// </summary>
    public ChatStreamRun Run(Func<CancellationToken, Task<Stream>> openUpstream, ChatTurn.Parts turn, PipeWriter client, GraphHostPool hosts)
    {
        var run = new ChatStreamRun(_blueprint, UpstreamBody.Open(openUpstream), turn, new ResponseSink.Target(client));
        hosts.Run(run);
        return run;
    }
}
