using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// The non-stream side for Anthropic callers: collects the answer's blocks in order (text, thinking,
/// tool_use) and, at the end, writes one <c>message</c> object. Nothing reaches the client before
/// <see cref="Finish"/>, so every failure can still be an HTTP status with Anthropic's error envelope.
/// </summary>
public sealed class AnthropicMessageAggregator(string messageId, string model) : IChatOutput
{
    private enum Kind { Text, Thinking, ToolUse }

    private sealed record Block(Kind Kind, StringBuilder Text, string? Id = null, string? Name = null, int CallIndex = -1);

    private static readonly JsonWriterOptions WriterOptions = RelaxedJson.Options;

    private readonly List<Block> _blocks = [];
    private readonly PooledBufferWriter _body = new();
    private TokenCounter _tokens;

    public int EstimatedCompletionTokens => _tokens.Tokens;

    public void SessionKnown(string sessionId) { }

    /// <summary>One message object at the end: nothing to open.</summary>
    public void UpstreamAnswered() { }

    public void Content(ReadOnlySpan<char> text)
    {
        _tokens.Add(text);
        Current(Kind.Text).Append(text);
    }

    public void Reasoning(ReadOnlySpan<char> text)
    {
        _tokens.Add(text);
        Current(Kind.Thinking).Append(text);
    }

    public void ToolCallStart(int index, string id, string name)
    {
        _tokens.Add(name);
        _blocks.Add(new Block(Kind.ToolUse, new StringBuilder(), AnthropicIds.ToolUseId(id), name, index));
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        _tokens.Add(fragment);
        for (var i = _blocks.Count - 1; i >= 0; i--)
        {
            if (_blocks[i].CallIndex != index) continue;
            _blocks[i].Text.Append(fragment);
            return;
        }
        throw new InvalidOperationException("tool call arguments arrived for a call that never started");
    }

    public void Fail(ErrorBody error) { }

    public void Finish(string finishReason, UsageFigures usage, string? stopSequence = null)
    {
        using var w = new Utf8JsonWriter(_body, WriterOptions);
        w.WriteStartObject();
        w.WriteString("id", messageId);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
        foreach (var block in _blocks) WriteBlock(w, block);
        w.WriteEndArray();
        w.WriteString("stop_reason", AnthropicStopReason.From(finishReason, stopSequence));
        if (stopSequence is null) w.WriteNull("stop_sequence");
        else w.WriteString("stop_sequence", stopSequence);
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", usage.PromptTokens);
        w.WriteNumber("output_tokens", usage.CompletionTokens);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
    }

    public PooledBytes? TakeWritten() => _body.Detach();

    private StringBuilder Current(Kind kind)
    {
        if (_blocks.Count > 0 && _blocks[^1].Kind == kind) return _blocks[^1].Text;
        var block = new Block(kind, new StringBuilder());
        _blocks.Add(block);
        return block.Text;
    }

    private static void WriteBlock(Utf8JsonWriter w, Block block)
    {
        w.WriteStartObject();
        switch (block.Kind)
        {
            case Kind.Text:
                w.WriteString("type", "text");
                w.WriteString("text", block.Text.ToString());
                break;
            case Kind.Thinking:
                w.WriteString("type", "thinking");
                w.WriteString("thinking", block.Text.ToString());
                w.WriteString("signature", "");
                break;
            default:
                w.WriteString("type", "tool_use");
                w.WriteString("id", block.Id);
                w.WriteString("name", block.Name);
                w.WritePropertyName("input");
                w.WriteRawValue(InputJson(block.Text));
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// The call's arguments as the <c>input</c> object. Arguments cut by the length limit are not JSON; the
    /// message then says <c>max_tokens</c>, and <c>input</c> is the empty object rather than a broken document.
    /// </summary>
    private static string InputJson(StringBuilder arguments)
    {
        if (arguments.Length == 0) return "{}";
        var text = arguments.ToString();
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? text : "{}";
        }
        catch (JsonException)
        {
            return "{}";
        }
    }
}
