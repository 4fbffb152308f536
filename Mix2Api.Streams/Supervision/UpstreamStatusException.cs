namespace Mix2Api.Streams.Supervision;

/// <summary>
/// The upstream answered a non-2xx status (after any retries and credential recovery), or a reply whose error says
/// the credential was refused (<see cref="AuthRejected"/>: 401/403, or an auth-error payload of any status, digest §6).
/// </summary>
public sealed class UpstreamStatusException(int status, TimeSpan? retryAfter, bool authRejected = false)
    : Exception($"the upstream answered HTTP {status}{(authRejected ? " (credential rejected)" : "")}")
{
    public int Status { get; } = status;

    /// <summary>The upstream's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The credential was refused: recover it (managed mode) or end as upstream_auth_error.</summary>
    public bool AuthRejected { get; } = authRejected || status is 401 or 403;
}
