namespace Mix2Api.Streams.Supervision;

public static class EndReasonNames
{
    public static string ToWire(this EndReason reason) => reason switch
    {
        EndReason.Stop => "stop",
        EndReason.ToolCalls => "tool_calls",
        EndReason.Length => "length",
        EndReason.ClientAbort => "client_abort",
        EndReason.Timeout => "timeout",
        EndReason.UpstreamError => "upstream_error",
        EndReason.UpstreamAuthError => "upstream_auth_error",
        EndReason.RateLimited => "rate_limited",
        EndReason.AdapterError => "adapter_error",
        EndReason.InvalidRequest => "invalid_request",
        EndReason.AuthError => "auth_error",
        EndReason.Overloaded => "overloaded",
        EndReason.Shutdown => "shutdown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "every EndReason needs a wire name"),
    };
}
