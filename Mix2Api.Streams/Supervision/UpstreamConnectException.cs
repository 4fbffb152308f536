namespace Mix2Api.Streams.Supervision;

/// <summary>Connecting to the upstream failed (refused, DNS, TLS) or took longer than the connect timeout.</summary>
public sealed class UpstreamConnectException(bool timedOut, string? detail, Exception? inner)
    : Exception(timedOut ? "connecting to the upstream timed out" : "connecting to the upstream failed", inner)
{
    public bool TimedOut { get; } = timedOut;

    /// <summary>What failed (an <c>HttpRequestError</c> name), safe to show.</summary>
    public string? Detail { get; } = detail;
}
