namespace Mix2Api.Streams.Supervision;

/// <summary>An upstream deadline expired (the graph's <c>UpstreamTimeouts</c> stage).</summary>
public sealed class UpstreamTimeoutException(UpstreamTimeoutKind kind, TimeSpan after)
    : TimeoutException($"upstream {(kind == UpstreamTimeoutKind.FirstByte ? "first byte" : "idle")} timeout after {after.TotalMilliseconds:0} ms")
{
    public UpstreamTimeoutKind Kind { get; } = kind;
}
