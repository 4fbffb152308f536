using System.IO.Pipelines;
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
/// UpstreamSource ─► kill switch ─► UpstreamTimeouts ─► UiFrameDecoding ─► ChatTurn ─► KeepAlive ─► CompletionTimeout ─► ResponseSink
///  (open, read)     (client abort,  (first byte, idle    (SSE framing +      (transform  (heartbeat,   (total)              (write, flush,
///                    shutdown)       while asking)        frame parsing)      + encode)   streams only)                      backpressure)
/// </code>
/// The blueprint is built and fused once per node and shape (stream or not, the dialect's heartbeat): building
/// the DSL and fusing it cost more than the rest of a short request's graph. Each request then materializes
/// it with its own parts as attributes (how to open the upstream, the turn's encoder and transform, the
/// client's pipe), which the stages read when they start; stages hold no ASP.NET types. Elements are batches,
/// one per network read, so the per-element cost is paid per read, not per token. However the graph ends,
/// <see cref="ChatStreamRun.EndAsync"/> turns it into one <see cref="ExitDecision"/>.
/// </summary>
public sealed class ChatStreamGraph
{
    private readonly IGraph<ClosedShape, (((UpstreamBody, UniqueKillSwitch), StreamOutcome), ResponseProgress)> _blueprint;

    /// <param name="heartbeats">Streams get heartbeats (SSE_HEARTBEAT_MS); a non-stream response has nowhere to put them.</param>
    /// <param name="heartbeat">The dialect's keep-alive element (OpenAI's comment by default).</param>
    public ChatStreamGraph(GraphSettings settings, bool heartbeats, PooledBytes? heartbeat = null)
    {
        var beat = heartbeat ?? OpenAiSseWriter.Heartbeat;
        var graph = UpstreamSource.Create()
            .ViaMaterialized(KillSwitches.Single<PooledBytes>(), Keep.Both)
            .Via(UpstreamTimeouts.Create<PooledBytes>(settings.FirstByteTimeout, settings.IdleTimeout))
            .Via(UiFrameDecoding.Create(settings.MaxFrameBytes))
            .ViaMaterialized(ChatTurn.Create(), Keep.Both);
        if (heartbeats && settings.HeartbeatInterval > TimeSpan.Zero)
            graph = graph.KeepAlive(settings.HeartbeatInterval, () => beat);
        if (settings.TotalTimeout > TimeSpan.Zero && settings.TotalTimeout != Timeout.InfiniteTimeSpan)
            graph = graph.CompletionTimeout(settings.TotalTimeout);
        _blueprint = Fusing.Aggressive(graph
            .ToMaterialized(ResponseSink.Create(beat), Keep.Both)
            .AddAttributes(ChatStreamSupervision.Strategy));
    }

    /// <summary>Materializes the blueprint for one request; the caller binds the kill switch to its aborts.</summary>
    public ChatStreamRun Run(Func<CancellationToken, Task<Stream>> openUpstream, ChatTurn.Parts turn, PipeWriter client, IMaterializer materializer)
    {
        var parts = new Attributes(new UpstreamSource.Opener(openUpstream), turn, new ResponseSink.Target(client));
        var (((body, killSwitch), outcome), progress) = materializer.Materialize(_blueprint, parts);
        return new ChatStreamRun(body, outcome, progress, killSwitch);
    }
}
