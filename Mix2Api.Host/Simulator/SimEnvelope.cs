namespace Mix2Api.Host.Simulator;

/// <summary>Where the session ids appear in a streamed answer.</summary>
public enum SessionPlacement
{
    /// <summary>In the <c>start</c> frame's <c>messageMetadata</c> (the normal case).</summary>
    Start,

    /// <summary>Only <c>messageId</c> at start; ids come in a <c>message-metadata</c> frame after the first delta.</summary>
    Late,

    /// <summary>No session ids at all (start carries only <c>messageId</c>).</summary>
    Omit,
}

/// <summary>The frames around an answer's content: session placement, usage and finish reason.</summary>
public sealed record SimEnvelope(SessionPlacement Session = SessionPlacement.Start, SimUsage? Usage = null, string? FinishReason = null)
{
    public static readonly SimEnvelope Default = new();
}
