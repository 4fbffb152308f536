using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Validates the trailing run of tool results (digest §4.9): codes, literal messages and param
/// <c>messages</c> as the Node adapter. Legacy <c>role:"function"</c> results have no ids and are
/// matched by name against the assistant's <c>function_call</c>/<c>tool_calls</c> instead.
/// </summary>
public static class ToolBackfillValidator
{
    private const string Prefix = "Invalid tool backfill: ";

    /// <summary>Index of the first message of the trailing tool/function run; Count when there is none.</summary>
    public static int TrailingResultsStart(IReadOnlyList<ChatMessage> messages)
    {
        var start = messages.Count;
        while (start > 0 && messages[start - 1].Role is ChatRole.Tool or ChatRole.Function) start--;
        return start;
    }

    public static RequestError? Validate(IReadOnlyList<ChatMessage> messages)
    {
        var start = TrailingResultsStart(messages);
        if (start == messages.Count) return null;

        var prev = start > 0 ? messages[start - 1] : null;
        if (prev is null || prev.Role != ChatRole.Assistant || prev.ToolCalls.Count == 0)
            return Error("missing_assistant_tool_calls",
                "trailing tool messages must follow an assistant message with tool_calls");

        var anyToolRole = false;
        for (var i = start; i < messages.Count; i++) anyToolRole |= messages[i].Role == ChatRole.Tool;

        var idToName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var call in prev.ToolCalls)
            if (!string.IsNullOrEmpty(call.Id)) idToName.TryAdd(call.Id, call.Name);
        if (anyToolRole && idToName.Count == 0)
            return Error("missing_tool_call_id", "assistant.tool_calls[] must include id fields");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = start; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m.Role == ChatRole.Function)
            {
                // Legacy result: no id; a given name must be one the assistant called.
                if (m.Name is { } fname && !HasCallNamed(prev, fname))
                    return Error("tool_name_mismatch", $"function message name not found in previous assistant function_call: {fname}");
                continue;
            }
            var id = m.ToolCallId;
            if (string.IsNullOrEmpty(id))
                return Error("missing_tool_call_id", "tool messages must include tool_call_id");
            if (!idToName.TryGetValue(id, out var expected))
                return Error("tool_call_id_mismatch", $"tool_call_id not found in previous assistant.tool_calls: {id}");
            if (!seen.Add(id))
                return Error("duplicate_tool_call_id", $"duplicate tool_call_id in tool messages: {id}");
            if (m.Name is { } got && got != expected)
                return Error("tool_name_mismatch", $"tool name does not match tool_call_id {id} (expected {expected}, got {got})");
        }
        return null;
    }

    private static bool HasCallNamed(ChatMessage assistant, string name)
    {
        foreach (var call in assistant.ToolCalls)
            if (call.Name == name) return true;
        return false;
    }

    private static RequestError Error(string code, string detail) => new(code, "messages", Prefix + detail);
}
