using System.ComponentModel;
using System.Text.Json;

namespace Mix2Api.Host.OpenApi;

// The shapes the OpenAPI document (FR37, /openapi/v1.json) describes. The endpoints write their JSON by hand on the
// hot path; these types exist only to name the schemas (snake_case as on the wire; `required` marks required fields).

[Description("A chat message. `content` is a string or an array of text parts; tool results carry `tool_call_id`.")]
public sealed class ChatMessageSchema
{
    [Description("system | developer | user | assistant | tool | function")] public required string Role { get; init; }
    [Description("a string, an array of {type:\"text\",text} parts, or null (assistant with tool_calls)")] public JsonElement? Content { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<ToolCallSchema>? ToolCalls { get; init; }
    public string? ToolCallId { get; init; }
}

public sealed class FunctionCallSchema
{
    public required string Name { get; init; }
    [Description("JSON text")] public required string Arguments { get; init; }
}

public sealed class ToolCallSchema
{
    public required string Id { get; init; }
    [Description("function")] public required string Type { get; init; }
    public required FunctionCallSchema Function { get; init; }
}

public sealed class FunctionSchema
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    [Description("JSON Schema of the arguments")] public JsonElement? Parameters { get; init; }
    public bool? Strict { get; init; }
}

public sealed class ToolSchema
{
    [Description("function; other types (mcp, …) are never shown to the model nor called")] public required string Type { get; init; }
    public FunctionSchema? Function { get; init; }
}

public sealed class StreamOptionsSchema
{
    public bool? IncludeUsage { get; init; }
}

public sealed class ChatMetadataSchema
{
    public string? SessionId { get; init; }
    public string? ExchangeId { get; init; }
    public string? PersonaId { get; init; }
}

[Description("POST /v1/chat/completions (and POST /). An absent `stream` means non-stream (STREAM_DEFAULT).")]
public sealed class ChatCompletionRequestSchema
{
    public required string Model { get; init; }
    public required IReadOnlyList<ChatMessageSchema> Messages { get; init; }
    public bool? Stream { get; init; }
    public StreamOptionsSchema? StreamOptions { get; init; }
    public IReadOnlyList<ToolSchema>? Tools { get; init; }
    [Description("none | auto | required | {\"type\":\"function\",\"function\":{\"name\":…}}")] public JsonElement? ToolChoice { get; init; }
    public bool? ParallelToolCalls { get; init; }
    [Description("legacy functions")] public IReadOnlyList<FunctionSchema>? Functions { get; init; }
    [Description("legacy function_call: none | auto | {\"name\":…}")] public JsonElement? FunctionCall { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    [Description("a string or an array of strings")] public JsonElement? Stop { get; init; }
    public string? User { get; init; }
    [Description("extension: continue this upstream session (or \"new\")")] public string? SessionId { get; init; }
    [Description("extension: upstream exchange id")] public string? ExchangeId { get; init; }
    [Description("extension: upstream persona")] public string? PersonaId { get; init; }
    public ChatMetadataSchema? Metadata { get; init; }
}

public sealed class UsageSchema
{
    public required int PromptTokens { get; init; }
    public required int CompletionTokens { get; init; }
    public required int TotalTokens { get; init; }
}

public sealed class AssistantMessageSchema
{
    [Description("assistant")] public required string Role { get; init; }
    [Description("null when the answer is tool calls")] public required string? Content { get; init; }
    public IReadOnlyList<ToolCallSchema>? ToolCalls { get; init; }
    [Description("legacy callers (functions) get this instead of tool_calls")] public FunctionCallSchema? FunctionCall { get; init; }
}

public sealed class ChoiceSchema
{
    public required int Index { get; init; }
    public required AssistantMessageSchema Message { get; init; }
    [Description("stop | length | tool_calls | function_call")] public required string FinishReason { get; init; }
}

[Description("The non-stream answer.")]
public sealed class ChatCompletionSchema
{
    public required string Id { get; init; }
    [Description("chat.completion")] public required string Object { get; init; }
    public required long Created { get; init; }
    public required string Model { get; init; }
    [Description("the upstream session, when known")] public string? SessionId { get; init; }
    public required IReadOnlyList<ChoiceSchema> Choices { get; init; }
    public required UsageSchema Usage { get; init; }
}

public sealed class ToolCallDeltaSchema
{
    public required int Index { get; init; }
    [Description("on the call's first fragment, with type and the complete name")] public string? Id { get; init; }
    public string? Type { get; init; }
    public FunctionCallDeltaSchema? Function { get; init; }
}

public sealed class FunctionCallDeltaSchema
{
    public string? Name { get; init; }
    [Description("the next fragment of the arguments' JSON text")] public string? Arguments { get; init; }
}

public sealed class DeltaSchema
{
    [Description("assistant, on the first chunk")] public string? Role { get; init; }
    public string? Content { get; init; }
    public string? ReasoningContent { get; init; }
    public IReadOnlyList<ToolCallDeltaSchema>? ToolCalls { get; init; }
    public FunctionCallDeltaSchema? FunctionCall { get; init; }
}

public sealed class ChunkChoiceSchema
{
    public required int Index { get; init; }
    public required DeltaSchema Delta { get; init; }
    [Description("null until the last chunk: stop | length | tool_calls | function_call")] public required string? FinishReason { get; init; }
}

[Description("One `data:` event of a stream (text/event-stream). The stream ends with `data: [DONE]`; a stream that cannot "
    + "finish normally ends with one `data: {\"error\":{…}}` event (the error envelope), then `data: [DONE]`. With "
    + "stream_options.include_usage the last chunk before [DONE] has empty choices and the usage.")]
public sealed class ChatCompletionChunkSchema
{
    public required string Id { get; init; }
    [Description("chat.completion.chunk")] public required string Object { get; init; }
    public required long Created { get; init; }
    public required string Model { get; init; }
    [Description("the upstream session, on the first chunk that knows it")] public string? SessionId { get; init; }
    public required IReadOnlyList<ChunkChoiceSchema> Choices { get; init; }
    public UsageSchema? Usage { get; init; }
}

public sealed class ErrorSchema
{
    public required string Message { get; init; }
    [Description("invalid_request_error | authentication_error | rate_limit_error | api_error | server_error")] public required string Type { get; init; }
    [Description("e.g. invalid_request, invalid_json, unauthorized, upstream_error, upstream_timeout, adapter_error")] public required string? Code { get; init; }
    public required string? Param { get; init; }
}

[Description("Every error, with the matching HTTP status (and in a stream, as the last data event before [DONE]).")]
public sealed class ErrorEnvelopeSchema
{
    public required ErrorSchema Error { get; init; }
}

public sealed class ModelSchema
{
    public required string Id { get; init; }
    [Description("model")] public required string Object { get; init; }
    public required long Created { get; init; }
    [Description("mix2api")] public required string OwnedBy { get; init; }
}

public sealed class ModelListSchema
{
    [Description("list")] public required string Object { get; init; }
    public required IReadOnlyList<ModelSchema> Data { get; init; }
}

public sealed class ProbeSchema
{
    [Description("ok | ready | degraded | stopping")] public required string Status { get; init; }
}

public sealed class HealthUpstreamSchema
{
    [Description("configured | simulator")] public required string Mode { get; init; }
    public required string Host { get; init; }
    public required string AuthMode { get; init; }
    public string? Notice { get; init; }
}

public sealed class HealthStoreSchema
{
    [Description("memory | redis")] public required string Mode { get; init; }
    public required bool Degraded { get; init; }
    public required bool Connected { get; init; }
    public required string? Reason { get; init; }
}

public sealed class HealthMemberSchema
{
    public required string Node { get; init; }
    public required string Channel { get; init; }
    public required string Version { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset Heartbeat { get; init; }
}

public sealed class HealthTokenSchema
{
    public required string Mode { get; init; }
    public required string? LeaseHolder { get; init; }
    public required long Fencing { get; init; }
    public required string LocalState { get; init; }
}

[Description("The Node adapter's /health shape, extended with node, channel, members and token.")]
public sealed class HealthSchema
{
    [Description("ok | degraded | stopping")] public required string Status { get; init; }
    public required string Service { get; init; }
    public required string Version { get; init; }
    public required string Node { get; init; }
    [Description("stable | canary")] public required string Channel { get; init; }
    public required HealthUpstreamSchema Upstream { get; init; }
    public required int ActiveStreams { get; init; }
    public required int ActiveSessions { get; init; }
    public required HealthStoreSchema SessionStore { get; init; }
    public required IReadOnlyList<HealthMemberSchema> Members { get; init; }
    [Description("null unless UPSTREAM_AUTH_MODE=managed")] public required HealthTokenSchema? Token { get; init; }
}
