using System.Text.Json;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// Parses one SSE <c>data</c> payload of the UI message stream with a forward-only reader: property
/// order is free, unknown properties and types are skipped, anything that is not a JSON object is
/// <see cref="UiFrameType.Malformed"/>. Error payloads in any shape (<c>errorText</c>,
/// <c>{"error":"text"}</c>, <c>{"error":{"message"}}</c>) become <see cref="UiFrameType.Error"/>.
/// </summary>
public static class UiFrameParser
{
    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    public static UiFrame Parse(ReadOnlySpan<byte> data)
        => TryPlainTextDelta(data, out var delta)
            ? new UiFrame(UiFrameType.TextDelta) { Text = System.Text.Encoding.UTF8.GetString(delta) }
            : ParseWithReader(data);

    /// <summary>
    /// <see cref="Parse"/> without the plain-text-delta shortcut, for a caller that tried <see cref="TryPlainTextDelta"/>
    /// already (the decoding stage): any frame, a plain text delta included, comes out the same.
    /// </summary>
    public static UiFrame ParseWithReader(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim((byte)' ');
        if (trimmed.SequenceEqual(DoneMarker)) return UiFrame.Done;
        try
        {
            return ParseObject(trimmed);
        }
        catch (JsonException)
        {
            return UiFrame.Malformed;
        }
    }

    private static ReadOnlySpan<byte> TextDeltaHead => "{\"type\":\"text-delta\",\"id\":\""u8;
    private static ReadOnlySpan<byte> DeltaField => "\",\"delta\":\""u8;

    /// <summary>
    /// Most frames of a stream are <c>{"type":"text-delta","id":"…","delta":"…"}</c> exactly as the upstream
    /// writes them. Those with plain strings (no escapes, no control characters, valid UTF-8) are read by
    /// position, which costs a fraction of a JSON reader pass; anything else returns null and takes the
    /// full parser, so both paths give the same frame. <paramref name="text"/> is the delta's UTF-8 as it lies in
    /// <paramref name="data"/>, which the decoding stage decodes straight into its batch (<see cref="UiFrameBatch.AddTextDelta"/>).
    /// </summary>
    public static bool TryPlainTextDelta(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> text)
    {
        text = default;
        var json = data.Trim((byte)' ');
        if (!json.StartsWith(TextDeltaHead)) return false;
        var rest = json[TextDeltaHead.Length..];
        var idEnd = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (idEnd < 0 || rest[idEnd] != '"' || !IsPlain(rest[..idEnd])) return false;
        rest = rest[idEnd..];
        if (!rest.StartsWith(DeltaField)) return false;
        var delta = rest[DeltaField.Length..];
        // The object must end right after the delta string: "}
        if (delta.Length < 2 || delta[^1] != '}' || delta[^2] != '"') return false;
        delta = delta[..^2];
        if (delta.IndexOfAny((byte)'"', (byte)'\\') >= 0 || !IsPlain(delta)) return false;
        text = delta;
        return true;
    }

    /// <summary>What a JSON string may hold unescaped: no control characters, valid UTF-8.</summary>
    private static bool IsPlain(ReadOnlySpan<byte> bytes)
        => bytes.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0 && System.Text.Unicode.Utf8.IsValid(bytes);

    private static UiFrame ParseObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return UiFrame.Malformed;

        UiFrameType? type = null;
        string? text = null, errorText = null, finishReason = null, messageId = null;
        Ids ids = default;
        UsageFigures? usage = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8)) type = ReadType(ref reader);
            else if (reader.ValueTextEquals("delta"u8)) text = ReadString(ref reader);
            else if (reader.ValueTextEquals("errorText"u8)) errorText = ReadString(ref reader);
            else if (reader.ValueTextEquals("finishReason"u8)) finishReason = ReadString(ref reader);
            else if (reader.ValueTextEquals("messageId"u8) || reader.ValueTextEquals("message_id"u8)) messageId = ReadString(ref reader);
            else if (reader.ValueTextEquals("messageMetadata"u8) || reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                ReadMetadata(ref reader, ref ids, ref usage, ref finishReason);
            }
            else if (reader.ValueTextEquals("usage"u8) || reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) usage = ReadUsage(ref reader) ?? usage;
                else reader.Skip();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                // null/false means "no error" (as in JsonReplyAdapter); ReadError supplies the text for real errors.
                errorText = ReadError(ref reader) ?? errorText;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject) return UiFrame.Malformed;
        // Anything after the object (other than whitespace) makes the line not JSON; Read throws on it.
        if (reader.Read()) return UiFrame.Malformed;

        var kind = Classify(type, errorText);
        return new UiFrame(kind)
        {
            Text = kind == UiFrameType.Error ? errorText : text,
            SessionId = ids.SessionId,
            ExchangeId = ids.ExchangeId,
            MessageId = messageId,
            Usage = usage,
            FinishReason = finishReason,
        };
    }

    private static UiFrameType Classify(UiFrameType? type, string? errorText)
        // A typeless payload that carries an error is an error in any shape (SPEC §1.2).
        => type ?? (errorText is not null ? UiFrameType.Error : UiFrameType.Unknown);

    /// <summary>Classifies the <c>type</c> value on its bytes: a frame costs no string for its type.</summary>
    private static UiFrameType? ReadType(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }
        if (reader.ValueIsEscaped) return ClassifyName(reader.GetString());
        var v = reader.ValueSpan;
        if (v.SequenceEqual("text-delta"u8)) return UiFrameType.TextDelta;
        if (v.SequenceEqual("reasoning-delta"u8)) return UiFrameType.ReasoningDelta;
        return ClassifyName(System.Text.Encoding.UTF8.GetString(v));
    }

    private static UiFrameType ClassifyName(string? type) => type switch
    {
        "text-delta" => UiFrameType.TextDelta,
        "reasoning-delta" => UiFrameType.ReasoningDelta,
        "start" => UiFrameType.Start,
        "finish" => UiFrameType.Finish,
        "message-metadata" => UiFrameType.MessageMetadata,
        "error" => UiFrameType.Error,
        "abort" => UiFrameType.Abort,
        "data-usage" => UiFrameType.Usage,
        "start-step" or "finish-step" or "text-start" or "text-end" or "reasoning-start" or "reasoning-end" => UiFrameType.Structure,
        _ when type is not null && type.StartsWith("tool-", StringComparison.Ordinal) => UiFrameType.UpstreamTool,
        _ => UiFrameType.Unknown,
    };

    private struct Ids
    {
        public string? SessionId;
        public string? ExchangeId;
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, ref Ids ids, ref UsageFigures? usage, ref string? finishReason)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("sessionId"u8) || reader.ValueTextEquals("session_id"u8)) ids.SessionId = ReadString(ref reader) ?? ids.SessionId;
            else if (reader.ValueTextEquals("exchangeId"u8) || reader.ValueTextEquals("exchange_id"u8)) ids.ExchangeId = ReadString(ref reader) ?? ids.ExchangeId;
            else if (reader.ValueTextEquals("finishReason"u8)) finishReason = ReadString(ref reader) ?? finishReason;
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) usage = ReadUsage(ref reader) ?? usage;
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Reads AI SDK (<c>inputTokens</c>) or OpenAI (<c>prompt_tokens</c>) usage names.</summary>
    private static UsageFigures? ReadUsage(ref Utf8JsonReader reader)
    {
        int? input = null, output = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isInput = reader.ValueTextEquals("inputTokens"u8) || reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("promptTokens"u8);
            var isOutput = reader.ValueTextEquals("outputTokens"u8) || reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("completionTokens"u8);
            reader.Read();
            if ((isInput || isOutput) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0)
            {
                if (isInput) input = n; else output = n;
            }
            else reader.Skip();
        }
        return input is null && output is null ? null : new UsageFigures(input ?? 0, output ?? 0);
    }

    private static string? ReadError(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                string? message = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("error_text"u8) || reader.ValueTextEquals("errorText"u8);
                    reader.Read();
                    if (isMessage && reader.TokenType == JsonTokenType.String) message ??= reader.GetString();
                    else reader.Skip();
                }
                return message ?? "upstream error";
            case JsonTokenType.Null or JsonTokenType.False:
                return null;
            default:
                reader.Skip();
                return "upstream error";
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException) when (!reader.HasValueSequence)
        {
            // A lone surrogate escape: keep it, the graph joins it with its other half.
            return LenientJsonString.Decode(reader.ValueSpan);
        }
    }
}
