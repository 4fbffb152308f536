namespace Mix2Api.Streams.Budget;

/// <summary>
/// <c>MODEL_PROFILE_DEFAULT_*</c>: the profile of a model nothing configures, and the values an entry of
/// <c>MODEL_PROFILE_JSON</c> leaves out.
/// </summary>
public sealed record ModelProfileDefaults(int ContextWindow = 200000, int MaxInputTokens = 160000, int MaxNewTokens = 8192)
{
    /// <summary>The default profile: input and output clamped to the window.</summary>
    public ModelProfile Profile(string? id)
        => new(id, ContextWindow, Math.Min(MaxInputTokens, ContextWindow), Math.Min(MaxNewTokens, ContextWindow), false);

    /// <summary>
    /// <c>max_new_tokens</c> of an entry that sets its window but not this: at most a quarter of the window, so a
    /// small window keeps room for input (the Node adapter clamped it to the whole window, leaving none).
    /// </summary>
    public int DerivedMaxNewTokens(int contextWindow) => Math.Max(1, Math.Min(MaxNewTokens, contextWindow / 4));

    /// <summary><c>max_input_tokens</c> of an entry that does not set it: what the window leaves after the output.</summary>
    public int DerivedMaxInputTokens(int contextWindow, int maxNewTokens)
        => Math.Max(1, Math.Min(MaxInputTokens, contextWindow - maxNewTokens));
}
