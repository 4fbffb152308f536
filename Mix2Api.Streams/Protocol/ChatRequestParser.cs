using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// Turns a request body into a <see cref="ChatRequest"/> or a <see cref="RequestError"/>. Checks run
/// in the Node adapter's order (digest §1.4) and keep its literal messages; unknown fields are ignored.
/// </summary>
public static class ChatRequestParser
{
    public static bool TryParse(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error)
        => JsonRequestBody.TryParse(body, TryParseText, out request, out error);

    private static bool TryParseText(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error)
    {
        request = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            error = new RequestError("invalid_json", null, "Invalid JSON body");
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = RequestError.Invalid(null, "Invalid request body");
                return false;
            }

            if (!root.TryGetProperty("model", out var modelEl) || modelEl.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(modelEl.GetString()))
            {
                error = RequestError.Invalid("model", "Invalid request: model must be a non-empty string");
                return false;
            }

            if (!root.TryGetProperty("messages", out var messagesEl) || messagesEl.ValueKind != JsonValueKind.Array
                || messagesEl.GetArrayLength() == 0)
            {
                error = RequestError.Invalid("messages", "Invalid request: messages must be a non-empty array");
                return false;
            }

            var messages = new List<ChatMessage>(messagesEl.GetArrayLength());
            var i = 0;
            foreach (var m in messagesEl.EnumerateArray())
            {
                if (!TryParseMessage(m, i, out var message, out error)) return false;
                messages.Add(message!);
                i++;
            }

            bool? stream = null;
            if (root.TryGetProperty("stream", out var streamEl) && streamEl.ValueKind != JsonValueKind.Null)
            {
                if (streamEl.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = RequestError.Invalid("stream", "Invalid request: stream must be a boolean");
                    return false;
                }
                stream = streamEl.GetBoolean();
            }

            var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;

            var metadata = root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object ? md : default;
            var nested = root.TryGetProperty("request", out var rq) && rq.ValueKind == JsonValueKind.Object ? rq : default;

            request = new ChatRequest
            {
                Model = modelEl.GetString()!.Trim(),
                Messages = messages,
                Stream = stream,
                IncludeUsage = includeUsage,
                Tools = CloneArray(root, "tools"),
                ToolChoice = CloneValue(root, "tool_choice"),
                ParallelToolCalls = root.TryGetProperty("parallel_tool_calls", out var ptc)
                    && ptc.ValueKind is JsonValueKind.True or JsonValueKind.False ? ptc.GetBoolean() : null,
                Functions = CloneArray(root, "functions"),
                FunctionCall = CloneValue(root, "function_call"),
                MaxTokens = PositiveInt(root, "max_tokens"),
                MaxCompletionTokens = PositiveInt(root, "max_completion_tokens"),
                Temperature = Number(root, "temperature"),
                TopP = Number(root, "top_p"),
                Stop = StopList(root),
                User = String(root, "user"),
                SessionId = String(root, "session_id") ?? String(root, "sessionId")
                    ?? String(metadata, "session_id") ?? String(metadata, "sessionId"),
                ExchangeId = String(root, "exchange_id") ?? String(root, "exchangeId")
                    ?? String(metadata, "exchange_id") ?? String(metadata, "exchangeId"),
                PersonaId = String(root, "persona_id") ?? String(root, "personaId")
                    ?? String(nested, "persona_id") ?? String(nested, "personaId"),
                UpstreamBaseUrl = String(root, "upstream_base_url") ?? String(root, "upstream_api_base"),
            };
            error = null;
            return true;
        }
    }

    private static bool TryParseMessage(JsonElement m, int index, out ChatMessage? message, out RequestError? error)
    {
        message = null;
        if (m.ValueKind != JsonValueKind.Object)
        {
            error = RequestError.Invalid("messages", $"Invalid request: messages[{index}] must be an object");
            return false;
        }

        var roleName = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
        ChatRole? role = roleName switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            "function" => ChatRole.Function,
            _ => null,
        };
        if (role is null)
        {
            error = RequestError.Invalid("messages",
                $"Invalid request: messages[{index}].role must be one of system, developer, user, assistant, tool, function");
            return false;
        }

        if (!TryFlattenContent(m, index, out var text, out var wasNull, out error)) return false;

        var calls = new List<ChatToolCall>();
        if (m.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in tc.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object) continue;
                var fn = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : call;
                var name = String(fn, "name");
                if (name is null) continue;
                calls.Add(new ChatToolCall(String(call, "id"), name, ArgumentsText(fn)));
            }
        }
        if (m.TryGetProperty("function_call", out var fc) && fc.ValueKind == JsonValueKind.Object && String(fc, "name") is { } fname)
        {
            calls.Add(new ChatToolCall(null, fname, ArgumentsText(fc)));
        }

        message = new ChatMessage(role.Value, text, wasNull, calls, String(m, "tool_call_id"), String(m, "name"))
        {
            RoleName = roleName,
        };
        error = null;
        return true;
    }

    private static bool TryFlattenContent(JsonElement m, int index, out string text, out bool wasNull, out RequestError? error)
    {
        text = "";
        wasNull = false;
        error = null;
        if (!m.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            wasNull = true;
            return true;
        }
        switch (c.ValueKind)
        {
            case JsonValueKind.String:
                text = c.GetString()!;
                return true;
            case JsonValueKind.Array:
                var sb = new StringBuilder();
                foreach (var part in c.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String)
                    {
                        sb.Append(part.GetString());
                        continue;
                    }
                    var type = part.ValueKind == JsonValueKind.Object ? String(part, "type") : null;
                    if (type is "text" or "input_text" && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        sb.Append(t.GetString());
                        continue;
                    }
                    error = RequestError.Invalid("messages",
                        $"Invalid request: messages[{index}].content has a part of type '{Sanitize(type)}'; only text parts are supported");
                    return false;
                }
                text = sb.ToString();
                return true;
            default:
                error = RequestError.Invalid("messages",
                    $"Invalid request: messages[{index}].content must be a string, an array of parts or null");
                return false;
        }
    }

    private static string Sanitize(string? type)
    {
        if (string.IsNullOrEmpty(type)) return "unknown";
        return type.Length > 40 || type.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-')) ? "unknown" : type;
    }

    private static string ArgumentsText(JsonElement fn)
    {
        if (!fn.TryGetProperty("arguments", out var a)) return "{}";
        return a.ValueKind switch
        {
            JsonValueKind.String => a.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "{}",
            _ => a.GetRawText(),
        };
    }

    private static IReadOnlyList<JsonElement> CloneArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array) return [];
        var list = new List<JsonElement>(a.GetArrayLength());
        foreach (var e in a.EnumerateArray()) list.Add(e.Clone());
        return list;
    }

    private static JsonElement? CloneValue(JsonElement root, string name)
        => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : null;

    internal static string? String(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            return null;
        var s = v.GetString()!.Trim();
        return s.Length == 0 ? null : s;
    }

    // A number outside double's range (1e400) is not a number we can use or send on: ignored like a wrong type.
    private static double? Number(JsonElement root, string name)
        => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    private static int? PositiveInt(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v)) return null;
        double d;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (!v.TryGetDouble(out d)) return null;
        }
        else if (v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) d = parsed;
        else return null;
        var floored = Math.Floor(d);
        return floored >= 1 && floored <= int.MaxValue ? (int)floored : null;
    }

    private static IReadOnlyList<string> StopList(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var s)) return [];
        if (s.ValueKind == JsonValueKind.String) return [s.GetString()!];
        if (s.ValueKind != JsonValueKind.Array) return [];
        var list = new List<string>();
        foreach (var e in s.EnumerateArray())
            if (e.ValueKind == JsonValueKind.String) list.Add(e.GetString()!);
        return list;
    }
}
