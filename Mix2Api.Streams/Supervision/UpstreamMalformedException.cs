namespace Mix2Api.Streams.Supervision;

/// <summary>The upstream sent data the adapter cannot read (non-JSON lines over UPSTREAM_MAX_BAD_FRAMES).</summary>
public sealed class UpstreamMalformedException(string detail) : Exception(detail)
{
    public string Detail { get; } = detail;
}
