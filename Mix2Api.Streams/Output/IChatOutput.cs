using System.IO.Pipelines;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Output;

/// <summary>
/// The client side of a ChatStreamGraph: the SSE writer for stream requests, the aggregator for
/// non-stream ones. Writes go to a <see cref="PipeWriter"/> buffer; only <see cref="FlushAsync"/>
/// does I/O, so the graph decides when bytes leave (and waits there when the client is slow).
/// </summary>
public interface IChatOutput : IChatSink
{
    /// <summary>True once a byte of the body was produced: after that, errors must be in-band.</summary>
    bool HasStarted { get; }

    /// <summary>True when the output wants keep-alive comments while idle (streams only).</summary>
    bool WantsHeartbeat { get; }

    /// <summary>Bytes written since the last flush.</summary>
    long UnflushedBytes { get; }

    /// <summary>Tokens the client has been sent so far, estimated.</summary>
    int EstimatedCompletionTokens { get; }

    void SessionKnown(string sessionId);

    void Heartbeat();

    /// <summary>Normal end: finish chunk, usage (when asked) and <c>[DONE]</c>, or the whole JSON body.</summary>
    void Finish(string finishReason, UsageFigures usage);

    /// <summary>Abnormal end after the start: one error event then <c>[DONE]</c>. No-op before the start.</summary>
    void Fail(ErrorBody error);

    ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken);

    /// <summary>Ends the response body: the client sees the end at once, whatever the graph does next.</summary>
    ValueTask CompleteAsync();
}
