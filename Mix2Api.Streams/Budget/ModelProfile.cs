namespace Mix2Api.Streams.Budget;

/// <summary>
/// The token limits of one model (SPEC §8, digest §9.1). <see cref="Id"/> is the configured key or
/// <c>MODEL_LIST</c> id the request matched, null for the default profile of an unknown model.
/// </summary>
public sealed record ModelProfile(string? Id, int ContextWindow, int MaxInputTokens, int MaxNewTokens, bool Configured)
{
    /// <summary>The largest output the window allows: <c>max_new_tokens</c>, leaving at least one input token.</summary>
    public int MaxOutputTokens => Math.Min(MaxNewTokens, Math.Max(1, ContextWindow - 1));

    /// <summary>Input room once <paramref name="reservedOutput"/> tokens are kept for the answer.</summary>
    public int AvailableInputTokens(int reservedOutput) => Math.Min(MaxInputTokens, Math.Max(1, ContextWindow - reservedOutput));
}
