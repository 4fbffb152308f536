using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// Anthropic <c>tools</c> and <c>tool_choice</c> → their OpenAI equivalents, so the tool layer interprets
/// them in its one place. A custom tool (<c>name</c>, <c>description</c>, <c>input_schema</c>) becomes a
/// function tool; Anthropic's own server and client tool types (<c>web_search_…</c>, <c>bash_…</c>) keep their
/// type and are ignored like MCP tools; tools with <c>defer_loading</c> are left out (the model is only told
/// about them once the client loads them).
/// </summary>
internal static class AnthropicToolConverter
{
    public static bool TryConvertTools(JsonElement root, out IReadOnlyList<JsonElement>? tools, out RequestError? error)
    {
        tools = [];
        error = null;
        if (!root.TryGetProperty("tools", out var toolsEl) || toolsEl.ValueKind == JsonValueKind.Null) return true;
        if (toolsEl.ValueKind != JsonValueKind.Array)
        {
            error = RequestError.Invalid("tools", "tools: must be an array");
            return false;
        }
        var list = new List<JsonElement>(toolsEl.GetArrayLength());
        var i = 0;
        foreach (var tool in toolsEl.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"tools.{i++}");
            if (tool.ValueKind != JsonValueKind.Object)
            {
                error = RequestError.Invalid("tools", path + ": must be an object");
                return false;
            }
            if (tool.TryGetProperty("defer_loading", out var deferred) && deferred.ValueKind == JsonValueKind.True) continue;
            var type = ChatRequestParser.String(tool, "type");
            if (type is not (null or "custom"))
            {
                list.Add(tool.Clone());
                continue;
            }
            var name = ChatRequestParser.String(tool, "name");
            if (name is null)
            {
                error = RequestError.Invalid("tools", path + ".name: Field required");
                return false;
            }
            var hasSchema = tool.TryGetProperty("input_schema", out var schema) && schema.ValueKind == JsonValueKind.Object;
            list.Add(Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", name);
                if (ChatRequestParser.String(tool, "description") is { } description) w.WriteString("description", description);
                if (hasSchema)
                {
                    w.WritePropertyName("parameters");
                    schema.WriteTo(w);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }));
        }
        tools = list;
        return true;
    }

    /// <summary>
    /// <c>{"type":"auto"|"any"|"tool"|"none"}</c> → <c>auto</c> / <c>required</c> / a named function / <c>none</c>;
    /// <c>disable_parallel_tool_use</c> → <c>parallel_tool_calls:false</c>.
    /// </summary>
    public static bool TryConvertChoice(JsonElement root, out JsonElement? choice, out bool? parallel, out RequestError? error)
    {
        choice = null;
        parallel = null;
        error = null;
        if (!root.TryGetProperty("tool_choice", out var tc) || tc.ValueKind == JsonValueKind.Null) return true;
        if (tc.ValueKind != JsonValueKind.Object)
        {
            error = RequestError.Invalid("tool_choice", "tool_choice: must be an object with a type");
            return false;
        }
        if (tc.TryGetProperty("disable_parallel_tool_use", out var dp) && dp.ValueKind == JsonValueKind.True) parallel = false;
        var type = ChatRequestParser.String(tc, "type");
        switch (type)
        {
            case "auto":
                choice = Build(w => w.WriteStringValue("auto"));
                return true;
            case "any":
                choice = Build(w => w.WriteStringValue("required"));
                return true;
            case "none":
                choice = Build(w => w.WriteStringValue("none"));
                return true;
            case "tool":
                if (ChatRequestParser.String(tc, "name") is not { } name)
                {
                    error = RequestError.Invalid("tool_choice", "tool_choice.name: Field required when type is 'tool'");
                    return false;
                }
                choice = Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", name);
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                return true;
            default:
                error = RequestError.Invalid("tool_choice", "tool_choice.type: must be one of 'auto', 'any', 'tool', 'none'");
                return false;
        }
    }

    private static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
