using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Http;

/// <summary>
/// The fields of one request's <c>request.completed</c> event, filled in as the request moves on and
/// reported once by <see cref="Diagnostics.RequestCompletionMiddleware"/>. Whoever ends the request
/// records its <see cref="StreamExit"/>; the end_reason always comes from <see cref="EndReasonClassifier"/>.
/// </summary>
public sealed class RequestReport
{
    public required string RequestId { get; init; }
    public long StartedAt { get; init; }
    public long? FirstByteAt { get; set; }
    public EndReason? EndReason { get; private set; }
    public StreamExit? Exit { get; private set; }
    /// <summary>The API the caller speaks: <c>openai</c> or <c>anthropic</c> (its error envelope and a log/metric label).</summary>
    public string Api { get; set; } = "openai";
    public string Client { get; set; } = "unknown";
    public bool? Stream { get; set; }
    public bool? ToolsPresent { get; set; }
    public string? Model { get; set; }
    public int? UpstreamStatus { get; set; }
    public string? SessionFingerprint { get; set; }
    public int? PromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
    /// <summary>The context budget decision; null when the request ended before it (validation, auth).</summary>
    public BudgetDecision? Budget { get; set; }
    public Exception? Exception { get; set; }
    /// <summary>Messages and declared tools (counts only: traces carry no content).</summary>
    public int MessageCount { get; set; }
    public int ToolCount { get; set; }
    /// <summary>Fingerprint of the inbound key (traces).</summary>
    public string? AuthFingerprint { get; set; }
    /// <summary>When the request carries tool results: the call ids they answer, fingerprinted (tool-loop SLO).</summary>
    public string? ToolLoopKey { get; set; }

    public bool Ended => EndReason is not null;

    /// <summary>Records how the request ended. The first decision wins: exactly one end_reason per request.</summary>
    public void End(ExitDecision decision)
    {
        if (EndReason is not null) return;
        Exit = decision.Exit;
        EndReason = decision.Verdict.Reason;
    }

    public void End(StreamExit exit) => End(ExitDecision.Of(exit));
}
