using System.Buffers;
using System.Text.Json;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>
/// Writes the upstream chat body (SPEC §2.1, digest §2.2 key order). The upstream is always asked to
/// stream; non-stream clients get the aggregated result.
/// </summary>
public static class UpstreamRequestBody
{
    private static readonly JsonWriterOptions Options = Output.RelaxedJson.Options;

    public static void Write(IBufferWriter<byte> output, UpstreamTurn turn, UpstreamBodyOptions options)
    {
        var request = turn.Request;
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteStartObject("request");
        w.WriteString("agent_slug", options.AgentSlug);
        w.WriteString("model_slug", ModelSlug(request.Model));
        w.WriteStartObject("locale");
        w.WriteString("location", options.LocaleLocation);
        w.WriteString("language", options.LocaleLanguage);
        w.WriteEndObject();
        if ((turn.PersonaId ?? options.DefaultPersonaId) is { } persona) w.WriteString("persona_id", persona);
        w.WriteStartObject("modes");
        w.WriteBoolean("search", options.ModeSearch);
        w.WriteEndObject();
        w.WriteString("query", turn.Prompt.Query);
        w.WriteEndObject();
        w.WriteBoolean("is_personalized", true);
        w.WriteBoolean("stream", true);
        WriteMessages(w, turn.Prompt.Messages);
        if (request.Temperature is { } t) w.WriteNumber("temperature", t);
        if (request.TopP is { } p) w.WriteNumber("top_p", p);
        w.WriteNumber("max_tokens", turn.MaxTokens);
        if (turn.SessionId is { } s && !s.Equals("new", StringComparison.OrdinalIgnoreCase)) w.WriteString("session_id", s);
        if (turn.ExchangeId is { } e && !e.Equals("new", StringComparison.OrdinalIgnoreCase)) w.WriteString("exchange_id", e);
        w.WriteEndObject();
    }

    /// <summary>Text after the last '/', as the Node adapter derived it (digest §2.3).</summary>
    public static string ModelSlug(string model)
    {
        if (string.IsNullOrWhiteSpace(model)) return "qwen-3-235b-instruct";
        var slug = model[(model.LastIndexOf('/') + 1)..].Trim();
        return slug.Length == 0 ? "qwen-3-235b" : slug;
    }

    /// <summary>The messages as <see cref="UpstreamMessages.Select"/> chose and capped them.</summary>
    private static void WriteMessages(Utf8JsonWriter w, IReadOnlyList<ChatMessage> messages)
    {
        w.WriteStartArray("messages");
        foreach (var m in messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role.ToString().ToLowerInvariant());
            if (m.ContentWasNull) w.WriteNull("content");
            else w.WriteString("content", m.Text);
            if (m.ToolCalls.Count > 0 && m.Role == ChatRole.Assistant)
            {
                w.WriteStartArray("tool_calls");
                foreach (var call in m.ToolCalls)
                {
                    w.WriteStartObject();
                    if (call.Id is not null) w.WriteString("id", call.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WriteString("arguments", call.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (m.ToolCallId is not null) w.WriteString("tool_call_id", m.ToolCallId);
            if (m.Name is not null) w.WriteString("name", m.Name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
