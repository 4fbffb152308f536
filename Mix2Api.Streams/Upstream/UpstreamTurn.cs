using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>Everything that goes into one upstream chat request body.</summary>
public sealed record UpstreamTurn(
    ChatRequest Request,
    string Query,
    string? SessionId,
    string? ExchangeId,
    string? PersonaId,
    /// <summary>Text appended to (or inserted as) the first system message, e.g. the tool instruction.</summary>
    string? SystemAddendum);
