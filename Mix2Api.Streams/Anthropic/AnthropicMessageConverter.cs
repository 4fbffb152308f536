using System.Globalization;
using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// Anthropic <c>system</c> and <c>messages</c> → the engine's messages: <c>system</c> (string or text blocks)
/// becomes the leading system message; an assistant's <c>tool_use</c> blocks become its tool calls; a user's
/// <c>tool_result</c> blocks become tool messages with <c>tool_call_id</c>, in order, so the tool loop and its
/// backfill checks see exactly what an OpenAI client would send. Claude Code also sends mid-conversation
/// <c>role:"system"</c> turns; they stay system messages in place, so the history prefix (and the session) holds.
/// </summary>
internal static class AnthropicMessageConverter
{
    public static bool TryConvert(JsonElement root, out List<ChatMessage>? messages, out RequestError? error)
    {
        messages = null;
        if (!root.TryGetProperty("messages", out var messagesEl) || messagesEl.ValueKind != JsonValueKind.Array
            || messagesEl.GetArrayLength() == 0)
        {
            error = RequestError.Invalid("messages", "messages: at least one message is required");
            return false;
        }
        var list = new List<ChatMessage>(messagesEl.GetArrayLength() + 1);
        if (!TryAddSystem(root, list, out error)) return false;

        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var m in messagesEl.EnumerateArray())
        {
            if (!TryAddMessage(m, i, list, toolNames, out error)) return false;
            i++;
        }
        messages = list;
        error = null;
        return true;
    }

    private static bool TryAddSystem(JsonElement root, List<ChatMessage> list, out RequestError? error)
    {
        error = null;
        if (!root.TryGetProperty("system", out var system) || system.ValueKind == JsonValueKind.Null) return true;
        string text;
        if (system.ValueKind == JsonValueKind.String)
        {
            text = system.GetString()!;
        }
        else if (system.ValueKind == JsonValueKind.Array)
        {
            if (!TryJoinTextBlocks(system, "system", out text, out error)) return false;
        }
        else
        {
            error = RequestError.Invalid("system", "system: must be a string or an array of text blocks");
            return false;
        }
        if (text.Length > 0) list.Add(Message(ChatRole.System, text));
        return true;
    }

    private static bool TryAddMessage(JsonElement m, int index, List<ChatMessage> list, Dictionary<string, string> toolNames,
        out RequestError? error)
    {
        var path = Path("messages", index);
        if (m.ValueKind != JsonValueKind.Object)
        {
            error = RequestError.Invalid("messages", path + ": must be an object");
            return false;
        }
        var role = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role is not ("user" or "assistant" or "system"))
        {
            error = RequestError.Invalid("messages", path + ".role: must be 'user' or 'assistant'");
            return false;
        }
        if (!m.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            error = RequestError.Invalid("messages", path + ".content: must be a string or an array of content blocks");
            return false;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            list.Add(Message(role == "assistant" ? ChatRole.Assistant : role == "system" ? ChatRole.System : ChatRole.User,
                content.GetString()!));
            error = null;
            return true;
        }
        return role switch
        {
            "assistant" => TryAddAssistant(content, path, list, toolNames, out error),
            "system" => TryAddSystemTurn(content, path, list, out error),
            _ => TryAddUser(content, path, list, toolNames, out error),
        };
    }

    private static bool TryAddAssistant(JsonElement blocks, string path, List<ChatMessage> list, Dictionary<string, string> toolNames,
        out RequestError? error)
    {
        var text = new StringBuilder();
        var calls = new List<ChatToolCall>();
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = Path(path + ".content", j++);
            switch (BlockType(block))
            {
                case "text":
                    if (!TryText(block, blockPath, out var t, out error)) return false;
                    AppendParagraph(text, t);
                    break;
                case "tool_use":
                    var id = ChatRequestParser.String(block, "id");
                    var name = ChatRequestParser.String(block, "name");
                    if (id is null || name is null)
                    {
                        error = RequestError.Invalid("messages", blockPath + ": a tool_use block needs a string id and name");
                        return false;
                    }
                    var input = block.TryGetProperty("input", out var inputEl) && inputEl.ValueKind == JsonValueKind.Object
                        ? inputEl.GetRawText() : "{}";
                    calls.Add(new ChatToolCall(id, name, input));
                    toolNames[id] = name;
                    break;
                case "thinking" or "redacted_thinking":
                    // The model's earlier reasoning: Anthropic itself may drop it from context; the upstream never needs it.
                    break;
                case var other:
                    error = Unsupported(blockPath, other);
                    return false;
            }
        }
        list.Add(new ChatMessage(ChatRole.Assistant, text.ToString(), text.Length == 0 && calls.Count > 0, calls, null, null));
        error = null;
        return true;
    }

    /// <summary>
    /// A user turn: text blocks become one user message; with <c>tool_result</c> blocks it becomes one tool
    /// message per result, and any text beside them (Claude Code's reminders) is appended to the last result,
    /// so the results stay the trailing messages the tool loop expects.
    /// </summary>
    private static bool TryAddUser(JsonElement blocks, string path, List<ChatMessage> list, Dictionary<string, string> toolNames,
        out RequestError? error)
    {
        var text = new StringBuilder();
        var firstResult = -1;
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = Path(path + ".content", j++);
            switch (BlockType(block))
            {
                case "text":
                    if (!TryText(block, blockPath, out var t, out error)) return false;
                    AppendParagraph(text, t);
                    break;
                case "tool_result":
                    var id = ChatRequestParser.String(block, "tool_use_id");
                    if (id is null)
                    {
                        error = RequestError.Invalid("messages", blockPath + ".tool_use_id: Field required");
                        return false;
                    }
                    if (!TryToolResultText(block, blockPath, out var result, out error)) return false;
                    if (firstResult < 0) firstResult = list.Count;
                    list.Add(new ChatMessage(ChatRole.Tool, result, false, [], id, toolNames.GetValueOrDefault(id)));
                    break;
                case var other:
                    error = Unsupported(blockPath, other);
                    return false;
            }
        }
        if (firstResult < 0)
        {
            list.Add(Message(ChatRole.User, text.ToString()));
        }
        else if (text.Length > 0)
        {
            var last = list[^1];
            list[^1] = last with { Text = last.Text.Length == 0 ? text.ToString() : last.Text + "\n\n" + text };
        }
        error = null;
        return true;
    }

    private static bool TryAddSystemTurn(JsonElement blocks, string path, List<ChatMessage> list, out RequestError? error)
    {
        if (!TryJoinTextBlocks(blocks, path + ".content", out var text, out error)) return false;
        list.Add(Message(ChatRole.System, text));
        return true;
    }

    private static bool TryToolResultText(JsonElement block, string path, out string text, out RequestError? error)
    {
        text = "";
        error = null;
        if (block.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String) text = content.GetString()!;
            else if (content.ValueKind == JsonValueKind.Array)
            {
                if (!TryJoinTextBlocks(content, path + ".content", out text, out error)) return false;
            }
            else if (content.ValueKind != JsonValueKind.Null)
            {
                error = RequestError.Invalid("messages", path + ".content: must be a string or an array of text blocks");
                return false;
            }
        }
        // The model must know the call failed; Anthropic carries that as a flag the upstream has no field for.
        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
            text = "[tool error] " + text;
        return true;
    }

    private static bool TryJoinTextBlocks(JsonElement blocks, string path, out string text, out RequestError? error)
    {
        var sb = new StringBuilder();
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = Path(path, j++);
            var type = BlockType(block);
            if (type != "text")
            {
                text = "";
                error = Unsupported(blockPath, type);
                return false;
            }
            if (!TryText(block, blockPath, out var t, out error))
            {
                text = "";
                return false;
            }
            AppendParagraph(sb, t);
        }
        text = sb.ToString();
        error = null;
        return true;
    }

    private static bool TryText(JsonElement block, string path, out string text, out RequestError? error)
    {
        if (block.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
        {
            text = t.GetString()!;
            error = null;
            return true;
        }
        text = "";
        error = RequestError.Invalid("messages", path + ".text: Field required (a string)");
        return false;
    }

    /// <summary>Blocks are separate paragraphs to the model; join them with a line break unless one is there.</summary>
    private static void AppendParagraph(StringBuilder sb, string text)
    {
        if (text.Length == 0) return;
        if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
        sb.Append(text);
    }

    private static string? BlockType(JsonElement block)
        => block.ValueKind == JsonValueKind.Object ? ChatRequestParser.String(block, "type") : null;

    private static RequestError Unsupported(string path, string? type) => type switch
    {
        "image" or "document" or "search_result" or "container_upload" => RequestError.Invalid("messages",
            $"{path}: content blocks of type '{type}' are not supported by this server (text, tool_use and tool_result only)"),
        null => RequestError.Invalid("messages", path + ": a content block must be an object with a string type"),
        _ => RequestError.Invalid("messages", $"{path}: content block type '{Sanitize(type)}' is not supported here"),
    };

    private static string Sanitize(string type)
    {
        if (type.Length > 40) return "unknown";
        foreach (var ch in type)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-')) return "unknown";
        return type;
    }

    private static ChatMessage Message(ChatRole role, string text) => new(role, text, false, [], null, null);

    private static string Path(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}.{index}");
}
