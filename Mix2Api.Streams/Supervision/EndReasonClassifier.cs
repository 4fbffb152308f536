using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Supervision;

/// <summary>
/// Supervision's one mapping: every exit path becomes exactly one end_reason and one client-visible
/// outcome. Upstream trouble never reaches the gateway as 401/403 (new-api would disable the channel).
/// </summary>
public static class EndReasonClassifier
{
    public static ExitVerdict Classify(StreamExit exit, string? detail = null) => exit switch
    {
        StreamExit.Completed => new(EndReason.Stop, 200, null),
        StreamExit.CompletedWithToolCalls => new(EndReason.ToolCalls, 200, null),
        StreamExit.CompletedAtLength => new(EndReason.Length, 200, null),
        // 499 is what nginx logs for a client that left; nobody receives it.
        StreamExit.ClientDisconnected or StreamExit.ClientWriteFailed => new(EndReason.ClientAbort, 499, null),
        StreamExit.UpstreamConnectTimedOut or StreamExit.UpstreamFirstByteTimedOut
            or StreamExit.UpstreamIdleTimedOut or StreamExit.TotalTimedOut
            => new(EndReason.Timeout, 504, new ErrorBody(TimeoutMessage(exit), "api_error", "upstream_timeout")),
        StreamExit.UpstreamAuthRejected => new(EndReason.UpstreamAuthError, 502,
            new ErrorBody("Upstream rejected the adapter's credential" + Suffix(detail), "api_error", "upstream_auth_error")),
        StreamExit.CredentialUnavailable => new(EndReason.UpstreamAuthError, 502,
            new ErrorBody("Upstream credential unavailable" + Suffix(detail), "api_error", "upstream_auth_error")),
        StreamExit.UpstreamRateLimited => new(EndReason.RateLimited, 429,
            new ErrorBody("Upstream rate limit reached; retry later", "rate_limit_error", "rate_limit_exceeded")),
        StreamExit.UpstreamHttpError => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream API error" + Suffix(detail), "api_error", "upstream_error")),
        StreamExit.UpstreamErrorFrame => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream error" + Suffix(detail), "api_error", "upstream_error")),
        StreamExit.UpstreamAbortFrame => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream aborted the response", "api_error", "upstream_error")),
        StreamExit.UpstreamBodyFailed => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream connection failed mid-response", "api_error", "upstream_error")),
        StreamExit.UpstreamConnectFailed => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream unreachable" + Suffix(detail), "api_error", "upstream_error")),
        StreamExit.UpstreamTruncated => new(EndReason.UpstreamError, 502,
            new ErrorBody("Upstream response ended before it was complete", "api_error", "upstream_error")),
        StreamExit.UpstreamProtocolError => new(EndReason.AdapterError, 502,
            new ErrorBody("Upstream sent data the adapter cannot read" + Suffix(detail), "api_error", "upstream_error")),
        StreamExit.ShuttingDown => new(EndReason.Shutdown, 503,
            new ErrorBody("The adapter node is shutting down; retry", "api_error", "shutdown")),
        StreamExit.AdapterFault => new(EndReason.AdapterError, 500,
            new ErrorBody("Internal adapter error", "server_error", "adapter_error")),
        StreamExit.RequestInvalid => new(EndReason.InvalidRequest, 400, null),
        StreamExit.InboundAuthRejected => new(EndReason.AuthError, 401, null),
        StreamExit.Overloaded => new(EndReason.Overloaded, 503,
            new ErrorBody("The adapter is at capacity; retry later", "api_error", "overloaded")),
        _ => throw new ArgumentOutOfRangeException(nameof(exit), exit, "every exit needs a verdict"),
    };

    private static string TimeoutMessage(StreamExit exit) => exit switch
    {
        StreamExit.UpstreamConnectTimedOut => "Upstream timeout (connect)",
        StreamExit.UpstreamFirstByteTimedOut => "Upstream timeout (first byte)",
        StreamExit.UpstreamIdleTimedOut => "Upstream timeout (idle)",
        _ => "Upstream timeout (total)",
    };

    private static string Suffix(string? detail) => string.IsNullOrEmpty(detail) ? "" : ": " + detail;
}
