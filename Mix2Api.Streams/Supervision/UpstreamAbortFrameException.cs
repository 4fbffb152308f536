namespace Mix2Api.Streams.Supervision;

/// <summary>The upstream sent an abort frame.</summary>
public sealed class UpstreamAbortFrameException() : Exception("the upstream aborted the response");
