namespace Mix2Api.Streams.Supervision;

/// <summary>The upstream sent an error frame or an error payload; its text is for the client, redacted in logs.</summary>
public sealed class UpstreamErrorFrameException(string? errorText) : Exception("the upstream sent an error frame")
{
    public string? ErrorText { get; } = errorText;
}
