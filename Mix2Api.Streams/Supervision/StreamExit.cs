namespace Mix2Api.Streams.Supervision;

/// <summary>
/// The fine-grained exit path of a request, named phase + blame (YARP's ForwarderError idea).
/// <see cref="EndReasonClassifier"/> maps each to one <see cref="EndReason"/> and, where the client
/// still needs to be told, one error.
/// </summary>
public enum StreamExit
{
    /// <summary>The upstream finished (finish frame or [DONE]) and the client got everything.</summary>
    Completed,
    /// <summary>Completed, and the model called client tools.</summary>
    CompletedWithToolCalls,
    /// <summary>Completed, cut by the upstream's length limit.</summary>
    CompletedAtLength,
    /// <summary>The client connection went away (its request was aborted).</summary>
    ClientDisconnected,
    /// <summary>Writing to the client failed or found its connection closed.</summary>
    ClientWriteFailed,
    /// <summary>Connecting to the upstream failed (refused, DNS, TLS) after any retries.</summary>
    UpstreamConnectFailed,
    /// <summary>Connecting to the upstream took longer than the connect timeout.</summary>
    UpstreamConnectTimedOut,
    /// <summary>No upstream byte within the first-byte timeout.</summary>
    UpstreamFirstByteTimedOut,
    /// <summary>The upstream went quiet mid-stream for the idle timeout.</summary>
    UpstreamIdleTimedOut,
    /// <summary>The request exceeded the total timeout.</summary>
    TotalTimedOut,
    /// <summary>The upstream answered 401/403 and recovery did not help.</summary>
    UpstreamAuthRejected,
    /// <summary>No upstream credential could be obtained (managed login failed).</summary>
    CredentialUnavailable,
    /// <summary>The upstream answered 429.</summary>
    UpstreamRateLimited,
    /// <summary>The upstream answered another non-2xx status.</summary>
    UpstreamHttpError,
    /// <summary>The upstream sent an error frame or an error payload.</summary>
    UpstreamErrorFrame,
    /// <summary>The upstream sent an abort frame.</summary>
    UpstreamAbortFrame,
    /// <summary>Reading the upstream body failed (connection reset mid-stream).</summary>
    UpstreamBodyFailed,
    /// <summary>The upstream body ended without finish or [DONE].</summary>
    UpstreamTruncated,
    /// <summary>The upstream sent data we cannot read: non-JSON lines over the limit, oversized frames, an unreadable reply.</summary>
    UpstreamProtocolError,
    /// <summary>The node shut down and the drain period ended.</summary>
    ShuttingDown,
    /// <summary>A bug of ours: an unexpected exception.</summary>
    AdapterFault,
    /// <summary>The request failed validation.</summary>
    RequestInvalid,
    /// <summary>The inbound credential was missing or wrong.</summary>
    InboundAuthRejected,
    /// <summary>Admission control refused the request.</summary>
    Overloaded,
}
