using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>How one graph run ended and what it saw on the way, for Supervision and the log.</summary>
public sealed class StreamOutcome
{
    public StreamExit Exit { get; internal set; }

    /// <summary>Upstream error text (for the client message; redact before logging).</summary>
    public string? Detail { get; internal set; }

    /// <summary>The unexpected exception behind <see cref="StreamExit.AdapterFault"/>, or the I/O error.</summary>
    public Exception? Exception { get; internal set; }

    public string? FinishReason { get; internal set; }
    public UsageFigures Usage { get; internal set; }
    public bool UpstreamReportedUsage { get; internal set; }
    public int BadFrames { get; internal set; }
    public int ToolCalls { get; internal set; }
    public string? SessionId { get; internal set; }
    public string? ExchangeId { get; internal set; }
}
