using System.Text.Json;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// An OpenAI Chat Completions request, validated and normalised by <see cref="ChatRequestParser"/>.
/// Tool-related fields are kept as cloned JSON so the tool layer interprets them in one place.
/// </summary>
public sealed class ChatRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary><c>stream</c> as sent; null when absent (the host applies <c>STREAM_DEFAULT</c>).</summary>
    public bool? Stream { get; init; }
    public bool IncludeUsage { get; init; }

    /// <summary>The <c>tools</c> array entries as sent (any type, including <c>mcp</c>).</summary>
    public IReadOnlyList<JsonElement> Tools { get; init; } = [];
    public JsonElement? ToolChoice { get; init; }
    public bool? ParallelToolCalls { get; init; }
    /// <summary>Legacy <c>functions</c> entries as sent.</summary>
    public IReadOnlyList<JsonElement> Functions { get; init; } = [];
    public JsonElement? FunctionCall { get; init; }

    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public string? User { get; init; }

    // Extensions (digest §1.5).
    public string? SessionId { get; init; }
    public string? ExchangeId { get; init; }
    public string? PersonaId { get; init; }
    public string? UpstreamBaseUrl { get; init; }

    /// <summary>True when the request used legacy <c>functions</c> (it gets <c>function_call</c> back).</summary>
    public bool UsesLegacyFunctions => Tools.Count == 0 && Functions.Count > 0;

    /// <summary>True when any function tool or legacy function is declared.</summary>
    public bool ToolsPresent => Tools.Count > 0 || Functions.Count > 0;
}
