using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>Everything that goes into one upstream chat request body.</summary>
public sealed record UpstreamTurn(
    ChatRequest Request,
    /// <summary>The query and the messages array, as the budget decided them.</summary>
    UpstreamPrompt Prompt,
    /// <summary>The upstream <c>max_tokens</c>: the output budget.</summary>
    int MaxTokens,
    string? SessionId,
    string? ExchangeId,
    string? PersonaId);
