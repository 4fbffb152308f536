using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Output;

/// <summary>
/// The encoder of a chat turn: the OpenAI SSE writer for stream requests, the aggregator for non-stream
/// ones. Calls append encoded bytes to a pooled buffer; <see cref="TakeWritten"/> hands them over as one
/// graph element, so the graph (its sink) decides when bytes leave and waits there when the client is slow.
/// </summary>
public interface IChatOutput : IChatSink
{
    /// <summary>Tokens the client has been sent so far, estimated.</summary>
    int EstimatedCompletionTokens { get; }

    void SessionKnown(string sessionId);

    /// <summary>
    /// The upstream answered (its first bytes arrived, no failure among them). A stream whose grammar opens with an
    /// event writes it now, so no heartbeat can reach the client before it; from here on its failures are in-band.
    /// </summary>
    void UpstreamAnswered();

    /// <summary>Normal end: finish chunk, usage (when asked) and <c>[DONE]</c>, or the whole JSON body.</summary>
    /// <param name="stopSequence">The request's stop sequence that ended the text (finish <c>stop</c>), for APIs that name it.</param>
    void Finish(string finishReason, UsageFigures usage, string? stopSequence = null);

    /// <summary>Abnormal end after the start: one error event then <c>[DONE]</c>. No-op where errors are statuses.</summary>
    void Fail(ErrorBody error);

    /// <summary>The bytes encoded since the last call, or null when there are none.</summary>
    PooledBytes? TakeWritten();
}
