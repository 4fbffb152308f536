using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>An upstream response with a 2xx status, or the exit that replaces it.</summary>
public sealed record UpstreamCallResult(HttpResponseMessage? Response, StreamExit? Failure, int? Status, string? Detail)
{
    public TimeSpan? RetryAfter { get; init; }
}
