using System.Globalization;
using System.Text.Json;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// Turns a <c>POST /v1/messages</c> body (Anthropic Messages API) into the engine's <see cref="ChatRequest"/>,
/// or a <see cref="RequestError"/> that names the offending field the way Anthropic does
/// (<c>messages.1.content.0.type: …</c>). Unknown fields and <c>cache_control</c> are ignored; content the
/// engine cannot carry (images, documents) is refused, never silently dropped.
/// </summary>
public static class AnthropicRequestParser
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
                error = RequestError.Invalid(null, "Invalid request body: expected a JSON object");
                return false;
            }
            if (!root.TryGetProperty("model", out var modelEl) || modelEl.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(modelEl.GetString()))
            {
                error = RequestError.Invalid("model", "model: Field required (a non-empty string)");
                return false;
            }
            if (!TryOptionalPositiveInt(root, "max_tokens", out var maxTokens, out error)
                || !TryOptionalNumber(root, "temperature", out var temperature, out error)
                || !TryOptionalNumber(root, "top_p", out var topP, out error)
                || !TryOptionalBool(root, "stream", out var stream, out error)
                || !TryStopSequences(root, out var stop, out error))
                return false;

            if (!AnthropicMessageConverter.TryConvert(root, out var messages, out error)) return false;
            if (!AnthropicToolConverter.TryConvertTools(root, out var tools, out error)) return false;
            if (!AnthropicToolConverter.TryConvertChoice(root, out var toolChoice, out var parallel, out error)) return false;

            var metadata = root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object ? md : default;
            request = new ChatRequest
            {
                Model = modelEl.GetString()!.Trim(),
                Messages = messages!,
                // Anthropic's default is a single message object, whatever STREAM_DEFAULT says for OpenAI callers.
                Stream = stream ?? false,
                Tools = tools!,
                ToolChoice = toolChoice,
                ParallelToolCalls = parallel,
                MaxTokens = maxTokens,
                Temperature = temperature,
                TopP = topP,
                Stop = stop!,
                User = ChatRequestParser.String(metadata, "user_id"),
            };
            error = null;
            return true;
        }
    }

    private static bool TryOptionalPositiveInt(JsonElement root, string name, out int? value, out RequestError? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d >= 1 && d == Math.Floor(d))
        {
            value = d >= int.MaxValue ? int.MaxValue : (int)d;
            return true;
        }
        error = RequestError.Invalid(name, $"{name}: must be a positive integer");
        return false;
    }

    private static bool TryOptionalNumber(JsonElement root, string name, out double? value, out RequestError? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        // A literal beyond double's range (1e400) is a number to JSON but none we can hold or send on.
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            value = d;
            return true;
        }
        error = RequestError.Invalid(name, $"{name}: must be a number");
        return false;
    }

    private static bool TryOptionalBool(JsonElement root, string name, out bool? value, out RequestError? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = v.GetBoolean();
            return true;
        }
        error = RequestError.Invalid(name, $"{name}: must be a boolean");
        return false;
    }

    private static bool TryStopSequences(JsonElement root, out IReadOnlyList<string>? stop, out RequestError? error)
    {
        stop = [];
        error = null;
        if (!root.TryGetProperty("stop_sequences", out var s) || s.ValueKind == JsonValueKind.Null) return true;
        if (s.ValueKind != JsonValueKind.Array)
        {
            error = RequestError.Invalid("stop_sequences", "stop_sequences: must be an array of strings");
            return false;
        }
        var list = new List<string>(s.GetArrayLength());
        var i = 0;
        foreach (var e in s.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                error = RequestError.Invalid("stop_sequences",
                    string.Create(CultureInfo.InvariantCulture, $"stop_sequences.{i}: must be a string"));
                return false;
            }
            list.Add(e.GetString()!);
            i++;
        }
        stop = list;
        return true;
    }
}
