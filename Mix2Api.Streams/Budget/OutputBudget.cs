namespace Mix2Api.Streams.Budget;

/// <summary>
/// The output tokens reserved for the answer, which is the upstream <c>max_tokens</c> (digest §9.3):
/// <c>max_completion_tokens</c> before <c>max_tokens</c>, clamped to the profile; absent, the profile's
/// <c>max_new_tokens</c> (no silent small cap).
/// </summary>
public readonly record struct OutputBudget(int Tokens, int? Requested, bool Clamped)
{
    /// <param name="maxCompletionTokens">Positive whole numbers only; the parser drops anything else.</param>
    public static OutputBudget Resolve(int? maxCompletionTokens, int? maxTokens, ModelProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var requested = maxCompletionTokens ?? maxTokens;
        var max = profile.MaxOutputTokens;
        return requested is { } r ? new OutputBudget(Math.Min(r, max), r, r > max) : new OutputBudget(max, null, false);
    }
}
