using System.Text.Json;
using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Anthropic;

/// <summary>Anthropic's error envelope: <c>{"type":"error","error":{"type","message"}}</c> (HTTP body and SSE <c>error</c> event alike).</summary>
public static class AnthropicErrorEnvelope
{
    public static void Write(Utf8JsonWriter w, int status, ErrorBody error)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", AnthropicErrorType.Of(status, error));
        w.WriteString("message", error.Message);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
