namespace Mix2Api.Streams.Supervision;

/// <summary>
/// How a request ended. Exactly one per request, decided by <see cref="EndReasonClassifier"/>.
/// The wire names (<see cref="EndReasonNames"/>) are a stable contract: dashboards and the
/// rollback rule depend on them.
/// </summary>
public enum EndReason
{
    /// <summary>The model finished normally.</summary>
    Stop,
    /// <summary>The model finished by calling client tools.</summary>
    ToolCalls,
    /// <summary>The upstream stopped because of the output length limit.</summary>
    Length,
    /// <summary>The client went away before the response was complete.</summary>
    ClientAbort,
    /// <summary>Connect, first-byte, idle or total deadline expired.</summary>
    Timeout,
    /// <summary>The upstream failed: HTTP error, error/abort frame, broken or truncated stream.</summary>
    UpstreamError,
    /// <summary>The upstream refused our credential and recovery failed.</summary>
    UpstreamAuthError,
    /// <summary>The upstream answered 429.</summary>
    RateLimited,
    /// <summary>Our own fault, including malformed upstream data we could not handle.</summary>
    AdapterError,
    /// <summary>The request was rejected as malformed.</summary>
    InvalidRequest,
    /// <summary>The inbound credential was missing or wrong.</summary>
    AuthError,
    /// <summary>Admission control turned the request away.</summary>
    Overloaded,
    /// <summary>The node shut down before the request finished.</summary>
    Shutdown,
}
