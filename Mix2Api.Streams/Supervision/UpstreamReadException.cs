namespace Mix2Api.Streams.Supervision;

/// <summary>Reading the upstream body failed (connection reset or closed mid-response).</summary>
public sealed class UpstreamReadException(Exception inner) : IOException("reading the upstream body failed", inner);
