namespace Mix2Api.Streams.Graph;

/// <summary>The per-request facts the chat turn needs besides its output and transform.</summary>
public sealed record ChatTurnOptions
{
    /// <summary>Legacy <c>functions</c> callers get <c>finish_reason:"function_call"</c>.</summary>
    public bool LegacyFunctions { get; init; }

    /// <summary>Our prompt token estimate, used when the upstream reports none.</summary>
    public int PromptTokenEstimate { get; init; } = 1;

    /// <summary>Non-JSON data lines tolerated before the request fails (UPSTREAM_MAX_BAD_FRAMES).</summary>
    public int MaxBadFrames { get; init; }

    /// <summary>Use the exchange id as session id when the upstream sends no sessionId.</summary>
    public bool SessionFromExchangeId { get; init; }

    /// <summary>The request's stop sequences (OpenAI <c>stop</c>, Anthropic <c>stop_sequences</c>), enforced on the text.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];
}
