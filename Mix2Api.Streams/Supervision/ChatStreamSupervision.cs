using Akka.Streams;
using Akka.Streams.Supervision;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Sse;

namespace Mix2Api.Streams.Supervision;

/// <summary>
/// The one supervision decision of a request: how its graph ended (completion with the turn's finish, or
/// the failure that stopped it) becomes exactly one <see cref="StreamExit"/>, and through
/// <see cref="EndReasonClassifier"/> one end_reason. Stages never choose an exit: they fail with a typed
/// exception, and this switch maps it (YARP's two-level classification; Akka's decider is data).
/// </summary>
public static class ChatStreamSupervision
{
    /// <summary>
    /// No stage of a chat stream resumes or restarts: a dropped frame would corrupt the answer. Attached to
    /// the whole graph, so operators that consult a decider stop, and the failure reaches <see cref="Decide"/>.
    /// </summary>
    public static readonly Attributes Strategy = ActorAttributes.CreateSupervisionStrategy(Deciders.StoppingDecider);

    /// <summary>Maps how the graph ended to the request's exit.</summary>
    /// <param name="failure">The failure the graph ended with, or null when it completed.</param>
    /// <param name="outcome">What the chat turn saw; its finish reason decides a completed graph's exit.</param>
    public static ExitDecision Decide(Exception? failure, StreamOutcome? outcome) => failure switch
    {
        // A kill switch's task hands its reason over wrapped; the reason is what counts.
        AggregateException { InnerExceptions: [var only] } => Decide(only, outcome),
        null => outcome?.FinishReason switch
        {
            null => ExitDecision.Of(StreamExit.AdapterFault), // completed without a finish: a bug of ours
            "length" => ExitDecision.Of(StreamExit.CompletedAtLength),
            "tool_calls" or "function_call" => ExitDecision.Of(StreamExit.CompletedWithToolCalls),
            _ => ExitDecision.Of(StreamExit.Completed),
        },
        ClientAbortedException => ExitDecision.Of(StreamExit.ClientDisconnected),
        ClientWriteFailedException => ExitDecision.Of(StreamExit.ClientWriteFailed),
        NodeShuttingDownException or AbruptTerminationException => ExitDecision.Of(StreamExit.ShuttingDown),
        UpstreamTimeoutException { Kind: UpstreamTimeoutKind.FirstByte } => ExitDecision.Of(StreamExit.UpstreamFirstByteTimedOut),
        UpstreamTimeoutException => ExitDecision.Of(StreamExit.UpstreamIdleTimedOut),
        // The only plain TimeoutException in a chat graph is Akka's CompletionTimeout: the total deadline.
        TimeoutException => ExitDecision.Of(StreamExit.TotalTimedOut),
        UpstreamConnectException { TimedOut: true } => ExitDecision.Of(StreamExit.UpstreamConnectTimedOut),
        UpstreamConnectException c => ExitDecision.Of(StreamExit.UpstreamConnectFailed, c.Detail),
        UpstreamStatusException { AuthRejected: true } s => ExitDecision.Of(StreamExit.UpstreamAuthRejected, $"HTTP {s.Status}"),
        UpstreamStatusException { Status: 429 } => ExitDecision.Of(StreamExit.UpstreamRateLimited),
        UpstreamStatusException s => ExitDecision.Of(StreamExit.UpstreamHttpError, $"HTTP {s.Status}"),
        UpstreamCredentialUnavailableException => ExitDecision.Of(StreamExit.CredentialUnavailable),
        UpstreamErrorFrameException e => ExitDecision.Of(StreamExit.UpstreamErrorFrame, e.ErrorText),
        UpstreamAbortFrameException => ExitDecision.Of(StreamExit.UpstreamAbortFrame),
        UpstreamTruncatedException => ExitDecision.Of(StreamExit.UpstreamTruncated),
        UpstreamReadException => ExitDecision.Of(StreamExit.UpstreamBodyFailed),
        UpstreamFrameTooLargeException f => ExitDecision.Of(StreamExit.UpstreamProtocolError, f.Message),
        UpstreamMalformedException m => ExitDecision.Of(StreamExit.UpstreamProtocolError, m.Detail),
        _ => ExitDecision.Of(StreamExit.AdapterFault),
    };
}
