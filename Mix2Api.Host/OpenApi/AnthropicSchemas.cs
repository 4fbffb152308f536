using System.ComponentModel;
using System.Text.Json;

namespace Mix2Api.Host.OpenApi;

// The Anthropic Messages API shapes the OpenAPI document describes (POST /v1/messages, /v1/messages/count_tokens,
// GET /v1/models with anthropic-version). As for the chat schemas: the endpoints write their JSON by hand; these types
// only name the schemas (snake_case on the wire; `required` marks required fields). docs/ANTHROPIC.md has the mapping.

[Description("A content block: text | tool_use (assistant) | tool_result (user) | thinking. image and document are refused (400).")]
public sealed class AnthropicContentBlockSchema
{
    [Description("text | tool_use | tool_result | thinking | redacted_thinking")] public required string Type { get; init; }
    public string? Text { get; init; }
    [Description("tool_use: toolu_… id")] public string? Id { get; init; }
    [Description("tool_use: the tool's name")] public string? Name { get; init; }
    [Description("tool_use: the arguments object")] public JsonElement? Input { get; init; }
    [Description("tool_result: the tool_use it answers")] public string? ToolUseId { get; init; }
    [Description("tool_result: a string or an array of text blocks")] public JsonElement? Content { get; init; }
    public bool? IsError { get; init; }
    [Description("ignored")] public JsonElement? CacheControl { get; init; }
}

public sealed class AnthropicMessageParamSchema
{
    [Description("user | assistant (system turns inside messages are accepted, as Claude Code sends them)")] public required string Role { get; init; }
    [Description("a string or an array of content blocks")] public required JsonElement Content { get; init; }
}

public sealed class AnthropicToolSchema
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    [Description("JSON Schema of the input")] public JsonElement? InputSchema { get; init; }
    [Description("absent or custom; Anthropic's own tool types are never shown to the model nor called")] public string? Type { get; init; }
    [Description("true: left out until the client loads it")] public bool? DeferLoading { get; init; }
}

public sealed class AnthropicMetadataSchema
{
    public string? UserId { get; init; }
}

[Description("POST /v1/messages (query strings such as ?beta=true accepted). Auth: x-api-key or Authorization: Bearer. Absent `stream` means one message object.")]
public sealed class AnthropicMessageRequestSchema
{
    public required string Model { get; init; }
    public required IReadOnlyList<AnthropicMessageParamSchema> Messages { get; init; }
    [Description("a string or an array of text blocks")] public JsonElement? System { get; init; }
    public int? MaxTokens { get; init; }
    public bool? Stream { get; init; }
    public IReadOnlyList<AnthropicToolSchema>? Tools { get; init; }
    [Description("{\"type\":\"auto\"|\"any\"|\"none\"} or {\"type\":\"tool\",\"name\":…}; disable_parallel_tool_use")] public JsonElement? ToolChoice { get; init; }
    public IReadOnlyList<string>? StopSequences { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public AnthropicMetadataSchema? Metadata { get; init; }
}

public sealed class AnthropicUsageSchema
{
    public required int InputTokens { get; init; }
    public required int OutputTokens { get; init; }
}

[Description("The non-stream answer: one message object.")]
public sealed class AnthropicMessageSchema
{
    [Description("msg_…")] public required string Id { get; init; }
    [Description("message")] public required string Type { get; init; }
    [Description("assistant")] public required string Role { get; init; }
    public required string Model { get; init; }
    public required IReadOnlyList<AnthropicContentBlockSchema> Content { get; init; }
    [Description("end_turn | tool_use | max_tokens | stop_sequence")] public required string StopReason { get; init; }
    public string? StopSequence { get; init; }
    public required AnthropicUsageSchema Usage { get; init; }
}

[Description("One SSE event (`event:` = `type`): message_start, content_block_start, content_block_delta (text_delta | input_json_delta | thinking_delta), content_block_stop, message_delta, message_stop, ping, error.")]
public sealed class AnthropicStreamEventSchema
{
    public required string Type { get; init; }
    public int? Index { get; init; }
    public AnthropicMessageSchema? Message { get; init; }
    public AnthropicContentBlockSchema? ContentBlock { get; init; }
    [Description("content_block_delta: {type, text | partial_json | thinking}; message_delta: {stop_reason, stop_sequence}")] public JsonElement? Delta { get; init; }
    public AnthropicUsageSchema? Usage { get; init; }
    public AnthropicErrorSchema? Error { get; init; }
}

public sealed class AnthropicErrorSchema
{
    [Description("invalid_request_error | authentication_error | not_found_error | request_too_large | rate_limit_error | api_error | overloaded_error")] public required string Type { get; init; }
    public required string Message { get; init; }
}

[Description("Anthropic's error envelope, with the same HTTP statuses as the OpenAI route.")]
public sealed class AnthropicErrorEnvelopeSchema
{
    [Description("error")] public required string Type { get; init; }
    public required AnthropicErrorSchema Error { get; init; }
}

public sealed class AnthropicTokenCountSchema
{
    public required int InputTokens { get; init; }
}

public sealed class AnthropicModelSchema
{
    [Description("model")] public required string Type { get; init; }
    public required string Id { get; init; }
    public required string DisplayName { get; init; }
    [Description("RFC 3339 time the node started listing the model")] public required string CreatedAt { get; init; }
}

[Description("GET /v1/models as Anthropic lists models: answered when the request carries anthropic-version.")]
public sealed class AnthropicModelListSchema
{
    public required IReadOnlyList<AnthropicModelSchema> Data { get; init; }
    [Description("always false: the whole list in one page")] public required bool HasMore { get; init; }
    public required string? FirstId { get; init; }
    public required string? LastId { get; init; }
}
