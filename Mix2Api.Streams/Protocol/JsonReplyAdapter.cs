using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// Turns a non-SSE JSON upstream reply (digest §3.3 shapes) into the UI message stream it stands
/// for, so one graph serves both. Errors in any shape become an error frame; a reply without text is
/// an error too: raw upstream JSON never becomes assistant content.
/// </summary>
public static class JsonReplyAdapter
{
    public static byte[] ToUiStream(ReadOnlySpan<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length + 256);
        string? text = null, error = null, sessionId = null, exchangeId = null;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) error = "upstream reply is not a JSON object";
            else
            {
                error = ErrorOf(root);
                text = error is null ? TextOf(root) : null;
                var meta = root.TryGetProperty("messageMetadata", out var mm) ? mm : root.TryGetProperty("metadata", out var m2) ? m2 : default;
                sessionId = Str(meta, "sessionId") ?? Str(meta, "session_id");
                exchangeId = Str(meta, "exchangeId") ?? Str(meta, "exchange_id");
                if (error is null && text is null) error = "upstream reply carried no text";
            }
        }
        catch (JsonException)
        {
            error = "upstream reply is not valid JSON";
        }

        using var w = new Utf8JsonWriter(buffer);
        if (error is not null)
        {
            Frame(buffer, w, "error", "errorText", error);
        }
        else
        {
            Write(buffer, "data: "u8);
            w.WriteStartObject();
            w.WriteString("type", "start");
            w.WriteStartObject("messageMetadata");
            if (sessionId is not null) w.WriteString("sessionId", sessionId);
            if (exchangeId is not null) w.WriteString("exchangeId", exchangeId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
            w.Reset();
            Write(buffer, "\n\n"u8);
            Frame(buffer, w, "text-delta", "delta", text!);
            Write(buffer, "data: {\"type\":\"finish\"}\n\n"u8);
        }
        Write(buffer, "data: [DONE]\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The error text of a JSON reply by the same rules as <see cref="ToUiStream"/> (digest §3.3), or null when it
    /// carries none or is not JSON. The host matches it against the auth-error phrases (digest §6).
    /// </summary>
    public static string? ErrorText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? ErrorOf(doc.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Frame(ArrayBufferWriter<byte> buffer, Utf8JsonWriter w, string type, string field, string value)
    {
        Write(buffer, "data: "u8);
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString(field, value);
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        Write(buffer, "\n\n"u8);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    private static string? ErrorOf(JsonElement root)
    {
        if (root.TryGetProperty("error", out var e))
        {
            if (e.ValueKind == JsonValueKind.String) return e.GetString();
            if (e.ValueKind == JsonValueKind.Object) return Str(e, "message") ?? Str(e, "error_text") ?? "upstream error";
            if (e.ValueKind is not (JsonValueKind.Null or JsonValueKind.False)) return "upstream error";
        }
        if (Str(root, "errorText") is { } errorText) return errorText;
        foreach (var part in Parts(root))
            if (Str(part, "type") == "error") return Str(part, "error_text") ?? Str(part, "errorText") ?? "upstream error";
        return null;
    }

    private static string? TextOf(JsonElement root)
    {
        if (root.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0) return c.GetString();
        if (root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0) return t.GetString();
        StringBuilder? sb = null;
        foreach (var part in Parts(root))
            if (Str(part, "type") == "text" && part.TryGetProperty("text", out var pt) && pt.ValueKind == JsonValueKind.String)
                (sb ??= new StringBuilder()).Append(pt.GetString());
        return sb?.ToString();
    }

    private static IEnumerable<JsonElement> Parts(JsonElement root)
    {
        if (!root.TryGetProperty("parts", out var parts)) yield break;
        if (parts.ValueKind == JsonValueKind.Object) yield return parts;
        else if (parts.ValueKind == JsonValueKind.Array)
            foreach (var p in parts.EnumerateArray())
                if (p.ValueKind == JsonValueKind.Object) yield return p;
    }

    private static string? Str(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
