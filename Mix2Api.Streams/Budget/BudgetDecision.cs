namespace Mix2Api.Streams.Budget;

/// <summary>
/// The budget outcome of one request, for <c>request.completed</c> and <c>/metrics</c>. Token figures are
/// estimates (<see cref="InputEstimator"/>).
/// </summary>
/// <param name="ProfileId">The matched profile key; null when the model matched none (default profile).</param>
/// <param name="EstimatedInput">What was sent, or for a reject what would have been sent untrimmed.</param>
/// <param name="UntrimmedInput">The estimate before trimming (equal to <paramref name="EstimatedInput"/> unless trimmed).</param>
/// <param name="TrimmedMessages">Messages dropped from what would otherwise have been sent.</param>
public sealed record BudgetDecision(
    string? ProfileId,
    BudgetAction Action,
    int EstimatedInput,
    int UntrimmedInput,
    int AvailableInput,
    int OutputTokens,
    int TrimmedMessages)
{
    /// <summary><c>input_budget</c> as the Node adapter logged it: <c>estimate/available</c>.</summary>
    public string InputBudget => $"{EstimatedInput}/{AvailableInput}";

    /// <summary>The share of the untrimmed estimate that trimming removed, 0..1; null unless trimmed.</summary>
    public double? TrimRatio => Action == BudgetAction.Trim && UntrimmedInput > 0
        ? Math.Clamp(1.0 - (double)EstimatedInput / UntrimmedInput, 0, 1) : null;

    /// <summary>The literal error message of a reject (digest §1.4 row 13).</summary>
    public string RejectMessage
        => $"Input exceeds available input budget ({UntrimmedInput} > {AvailableInput}); reduce messages/tools or max_tokens";
}
