namespace Mix2Api.Streams.Protocol;

/// <summary>The UI message stream frame kinds the graph acts on (SPEC §2.3).</summary>
public enum UiFrameType : byte
{
    /// <summary>A frame type we do not know: ignored for forward compatibility.</summary>
    Unknown,
    Start,
    MessageMetadata,
    TextDelta,
    ReasoningDelta,
    /// <summary>start-step, finish-step, text-start/end, reasoning-start/end: structure only.</summary>
    Structure,
    /// <summary>The upstream's own server-side tools (tool-input-*, tool-output-*): never client calls.</summary>
    UpstreamTool,
    Usage,
    Error,
    Abort,
    Finish,
    /// <summary><c>data: [DONE]</c>, the end of transport.</summary>
    Done,
    /// <summary>A data line that is not a JSON object.</summary>
    Malformed,
}
