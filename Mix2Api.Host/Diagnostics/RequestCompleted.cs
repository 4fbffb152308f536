using Mix2Api.Streams.Budget;

namespace Mix2Api.Host.Diagnostics;

/// <summary>The <c>request.completed</c> event (SPEC §7.2): no prompt, no tool payload, no token.</summary>
public sealed record RequestCompleted(
    string RequestId,
    string Method,
    string Path,
    int HttpStatus,
    double DurationMs,
    double? TtfbMs,
    string Client,
    string Stream,
    string ToolsPresent,
    string Model,
    string EndReason,
    string Exit,
    string UpstreamStatus,
    string SessionFingerprint,
    int? PromptTokens,
    int? CompletionTokens,
    string Node,
    string Channel,
    string Api = "openai",
    /// <summary>Logged as input_budget, output_budget, budget_action, trimmed_messages (SPEC §8).</summary>
    BudgetDecision? Budget = null);
