namespace Mix2Api.Streams.Sse;

/// <summary>An upstream SSE line grew past the configured cap: malformed or hostile data, never buffered without bound.</summary>
public sealed class UpstreamFrameTooLargeException(int limit)
    : IOException($"upstream SSE frame exceeds {limit} bytes");
