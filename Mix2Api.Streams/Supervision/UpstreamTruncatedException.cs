namespace Mix2Api.Streams.Supervision;

/// <summary>The upstream body ended without a finish frame or <c>[DONE]</c>.</summary>
public sealed class UpstreamTruncatedException() : Exception("the upstream response ended before it was complete");
