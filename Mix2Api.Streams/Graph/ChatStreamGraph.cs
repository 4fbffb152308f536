using Akka.Streams;
using Akka.Streams.Dsl;
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
/// The endpoint supplies the source (how to open the upstream), the turn (its encoder and transform), the
/// sink (the client's pipe) and the kill switch; stages hold no ASP.NET types. Elements are batches, one
/// per network read, so the per-element cost is paid per read, not per token. However the graph ends,
/// <see cref="ChatStreamRun.EndAsync"/> turns it into one <see cref="ExitDecision"/>.
/// </summary>
public static class ChatStreamGraph
{
    public static ChatStreamRun Run(
        Source<PooledBytes, UpstreamBody> upstream,
        Flow<UiFrameBatch, PooledBytes, StreamOutcome> turn,
        Sink<PooledBytes, ResponseProgress> sink,
        SharedKillSwitch killSwitch,
        GraphSettings settings,
        bool heartbeats,
        IMaterializer materializer,
        PooledBytes? heartbeat = null)
    {
        var beat = heartbeat ?? OpenAiSseWriter.Heartbeat;
        var graph = upstream
            .Via(killSwitch.Flow<PooledBytes>())
            .Via(UpstreamTimeouts.Create<PooledBytes>(settings.FirstByteTimeout, settings.IdleTimeout))
            .Via(UiFrameDecoding.Create(settings.MaxFrameBytes))
            .ViaMaterialized(turn, Keep.Both);
        if (heartbeats && settings.HeartbeatInterval > TimeSpan.Zero)
            graph = graph.KeepAlive(settings.HeartbeatInterval, () => beat);
        if (settings.TotalTimeout > TimeSpan.Zero && settings.TotalTimeout != Timeout.InfiniteTimeSpan)
            graph = graph.CompletionTimeout(settings.TotalTimeout);
        var ((body, outcome), progress) = graph
            .ToMaterialized(sink, Keep.Both)
            .AddAttributes(ChatStreamSupervision.Strategy)
            .Run(materializer);
        return new ChatStreamRun(body, outcome, progress);
    }
}
