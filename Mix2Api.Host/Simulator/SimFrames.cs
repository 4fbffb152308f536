using System.Text.Json;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// The UI message stream frames of SPEC §2.3, pre-encoded. Constant frames are shared singletons.
/// </summary>
public static class SimFrames
{
    public static readonly SimStep.Frame StartStep = SimStep.Json("""{"type":"start-step"}""");
    public static readonly SimStep.Frame FinishStep = SimStep.Json("""{"type":"finish-step"}""");
    public static readonly SimStep.Frame Abort = SimStep.Json("""{"type":"abort"}""");
    public static readonly SimStep.Frame Finish = SimStep.Json("""{"type":"finish"}""");

    /// <summary><c>{"type":"&lt;type&gt;"}</c>: any frame without fields (unknown types test forward compatibility).</summary>
    public static SimStep.Frame Of(string type) => new(SseBytes.Object(w => w.WriteString("type", type)));

    public static SimStep.Frame TextStart(string id = "t0") => IdFrame("text-start", id);
    public static SimStep.Frame TextEnd(string id = "t0") => IdFrame("text-end", id);
    public static SimStep.Frame ReasoningStart(string id = "r0") => IdFrame("reasoning-start", id);
    public static SimStep.Frame ReasoningEnd(string id = "r0") => IdFrame("reasoning-end", id);

    /// <summary><c>finish</c>, optionally with <c>finishReason</c> and <c>messageMetadata.usage</c>.</summary>
    public static SimStep.Frame FinishWith(string? finishReason = null, SimUsage? usage = null) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "finish");
        if (finishReason is not null) w.WriteString("finishReason", finishReason);
        if (usage is { } u)
        {
            w.WriteStartObject("messageMetadata");
            w.WriteStartObject("usage");
            WriteUsage(w, u, total: true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }));

    /// <summary><c>{"type":"data-usage","data":{"inputTokens":…,"outputTokens":…}}</c>.</summary>
    public static SimStep.Frame DataUsage(SimUsage usage) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "data-usage");
        w.WriteStartObject("data");
        WriteUsage(w, usage, total: false);
        w.WriteEndObject();
    }));

    /// <summary><c>message-metadata</c> with the given metadata object (raw JSON).</summary>
    public static SimStep.Frame MessageMetadata(string metadataJson) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "message-metadata");
        w.WritePropertyName("messageMetadata");
        w.WriteRawValue(metadataJson);
    }));

    public static SimStep.Frame Error(string errorText) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("errorText", errorText);
    }));

    // The upstream's own server-side tools (web search, MCP …): the broker must never turn them into client tool calls.
    public static SimStep.Frame ToolInputStart(string toolCallId, string toolName) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "tool-input-start");
        w.WriteString("toolCallId", toolCallId);
        w.WriteString("toolName", toolName);
    }));

    public static SimStep.Frame ToolInputDelta(string toolCallId, string inputTextDelta) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "tool-input-delta");
        w.WriteString("toolCallId", toolCallId);
        w.WriteString("inputTextDelta", inputTextDelta);
    }));

    public static SimStep.Frame ToolInputAvailable(string toolCallId, string toolName, string inputJson) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "tool-input-available");
        w.WriteString("toolCallId", toolCallId);
        w.WriteString("toolName", toolName);
        w.WritePropertyName("input");
        w.WriteRawValue(inputJson);
    }));

    public static SimStep.Frame ToolOutputAvailable(string toolCallId, string outputJson) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", "tool-output-available");
        w.WriteString("toolCallId", toolCallId);
        w.WritePropertyName("output");
        w.WriteRawValue(outputJson);
    }));

    private static SimStep.Frame IdFrame(string type, string id) => new(SseBytes.Object(w =>
    {
        w.WriteString("type", type);
        w.WriteString("id", id);
    }));

    private static void WriteUsage(Utf8JsonWriter w, SimUsage usage, bool total)
    {
        w.WriteNumber("inputTokens", usage.InputTokens);
        w.WriteNumber("outputTokens", usage.OutputTokens);
        if (total) w.WriteNumber("totalTokens", usage.InputTokens + usage.OutputTokens);
    }
}
