using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Graph;

/// <summary>What one request's chat turn saw on its way, for Supervision, the session and the log.</summary>
public sealed class StreamOutcome
{
    /// <summary>The finish_reason the client was sent; null unless the turn completed normally.</summary>
    public string? FinishReason { get; internal set; }
    public UsageFigures Usage { get; internal set; }
    public bool UpstreamReportedUsage { get; internal set; }
    public int BadFrames { get; internal set; }
    public int ToolCalls { get; internal set; }
    public string? SessionId { get; internal set; }
    public string? ExchangeId { get; internal set; }
}
