namespace Mix2Api.Streams.Protocol;

/// <summary>Token usage as OpenAI reports it.</summary>
public readonly record struct UsageFigures(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    public bool IsEmpty => PromptTokens == 0 && CompletionTokens == 0;
}
