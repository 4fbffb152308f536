namespace Mix2Api.Streams.Supervision;

/// <summary>The upstream answered a non-2xx status (after any retries and credential recovery).</summary>
public sealed class UpstreamStatusException(int status, TimeSpan? retryAfter)
    : Exception($"the upstream answered HTTP {status}")
{
    public int Status { get; } = status;

    /// <summary>The upstream's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
