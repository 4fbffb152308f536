namespace Mix2Api.Streams.Sse;

/// <summary>An upstream SSE line or event grew past UPSTREAM_MAX_FRAME_BYTES: malformed or hostile data, never buffered without bound.</summary>
public sealed class UpstreamFrameTooLargeException(int limit)
    : Exception($"upstream SSE frame exceeds {limit} bytes")
{
    public int Limit { get; } = limit;
}
