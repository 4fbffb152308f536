using Mix2Api.Streams.Upstream;

namespace Mix2Api.Streams.Budget;

/// <summary>The budget's answer for one request: the decision, and the prompt to send (null on reject).</summary>
public sealed record BudgetPlan(BudgetDecision Decision, UpstreamPrompt? Prompt);
