using System.Buffers;
using System.Text.Json;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// Encodes Anthropic Messages streaming events into a pooled buffer the graph takes per batch
/// (<see cref="TakeWritten"/>): <c>message_start</c>, then
/// one content block per stretch of text, thinking or tool call (<c>content_block_start</c> /
/// <c>content_block_delta</c> / <c>content_block_stop</c>), then <c>message_delta</c> with the stop reason and
/// usage and <c>message_stop</c>; <c>ping</c> while idle; one <c>error</c> event on an abnormal end, never a
/// fake <c>end_turn</c>. Only strings go through the JSON escaper.
/// </summary>
public sealed class AnthropicSseWriter : IChatOutput
{
    private enum Block { None, Text, Thinking, ToolUse }

    private static readonly JsonWriterOptions WriterOptions = RelaxedJson.Unvalidated;

    private readonly PooledBufferWriter _chunk = new();
    private readonly Utf8JsonWriter _json;
    private readonly string _messageId;
    private readonly string _model;
    private readonly int _promptTokens;
    private Block _open;
    private int _blockIndex = -1;
    private int _openToolCall = -1;
    private bool _messageStarted;
    private bool _ended;
    private bool _started;
    private TokenCounter _tokens;

    public AnthropicSseWriter(string messageId, string model, int promptTokens)
    {
        _json = new Utf8JsonWriter(_chunk, WriterOptions);
        _messageId = messageId;
        _model = model;
        _promptTokens = promptTokens;
    }

    /// <summary>Anthropic's keep-alive event, one constant element the graph injects while the client hears nothing.</summary>
    public static readonly PooledBytes Ping = PooledBytes.Unpooled("event: ping\ndata: {\"type\":\"ping\"}\n\n"u8.ToArray());

    public int EstimatedCompletionTokens => _tokens.Tokens;

    /// <summary>The session id travels in the <c>x-session-id</c> header; Anthropic's events have no field for it.</summary>
    public void SessionKnown(string sessionId) { }

    /// <summary>Anthropic's API always opens with <c>message_start</c> and SDKs rely on it: it goes out before any <c>ping</c>.</summary>
    public void UpstreamAnswered()
    {
        if (_ended) return;
        EnsureMessageStart();
        Commit();
    }

    public void Content(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        _tokens.Add(text);
        Open(Block.Text);
        DeltaHead();
        Raw("{\"type\":\"text_delta\",\"text\":"u8);
        JsonString(text);
        Raw("}}\n\n"u8);
        Commit();
    }

    public void Reasoning(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        _tokens.Add(text);
        Open(Block.Thinking);
        DeltaHead();
        Raw("{\"type\":\"thinking_delta\",\"thinking\":"u8);
        JsonString(text);
        Raw("}}\n\n"u8);
        Commit();
    }

    public void ToolCallStart(int index, string id, string name)
    {
        _tokens.Add(name);
        EnsureMessageStart();
        Close();
        _blockIndex++;
        _open = Block.ToolUse;
        _openToolCall = index;
        Raw("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"u8);
        Number(_blockIndex);
        Raw(",\"content_block\":{\"type\":\"tool_use\",\"id\":"u8);
        JsonString(AnthropicIds.ToolUseId(id));
        Raw(",\"name\":"u8);
        JsonString(name);
        Raw(",\"input\":{}}}\n\n"u8);
        Commit();
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        if (fragment.IsEmpty) return;
        // The transform finishes one call's arguments before it starts the next; a block cannot be reopened.
        if (_open != Block.ToolUse || _openToolCall != index)
            throw new InvalidOperationException("tool call arguments arrived for a call whose block is not open");
        _tokens.Add(fragment);
        DeltaHead();
        Raw("{\"type\":\"input_json_delta\",\"partial_json\":"u8);
        JsonString(fragment);
        Raw("}}\n\n"u8);
        Commit();
    }

    public void Finish(string finishReason, UsageFigures usage, string? stopSequence = null)
    {
        if (_ended) return;
        EnsureMessageStart();
        Close();
        Raw("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"u8);
        JsonString(AnthropicStopReason.From(finishReason, stopSequence));
        Raw(",\"stop_sequence\":"u8);
        if (stopSequence is null) Raw("null"u8);
        else JsonString(stopSequence);
        Raw("},\"usage\":{\"input_tokens\":"u8);
        Number(usage.PromptTokens);
        Raw(",\"output_tokens\":"u8);
        Number(usage.CompletionTokens);
        Raw("}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8);
        Commit();
        _ended = true;
    }

    public void Fail(ErrorBody error)
    {
        if (_ended || !_started) return;
        Raw("event: error\ndata: "u8);
        _json.Reset();
        AnthropicErrorEnvelope.Write(_json, 0, error);
        _json.Flush();
        Raw("\n\n"u8);
        Commit();
        _ended = true;
    }

    public PooledBytes? TakeWritten() => _chunk.Detach();

    /// <summary>Makes sure a block of <paramref name="kind"/> is open, closing another kind first.</summary>
    private void Open(Block kind)
    {
        EnsureMessageStart();
        if (_open == kind) return;
        Close();
        _blockIndex++;
        _open = kind;
        Raw("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"u8);
        Number(_blockIndex);
        Raw(kind == Block.Text
            ? ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"u8
            : ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"u8);
    }

    private void Close()
    {
        if (_open == Block.None) return;
        Raw("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":"u8);
        Number(_blockIndex);
        Raw("}\n\n"u8);
        _open = Block.None;
        _openToolCall = -1;
    }

    private void EnsureMessageStart()
    {
        // After message_stop or an error event nothing more may reach the client: a late write is a bug, not an event.
        if (_ended) throw new InvalidOperationException("the stream already ended");
        if (_messageStarted) return;
        _messageStarted = true;
        Raw("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"u8);
        JsonString(_messageId);
        Raw(",\"type\":\"message\",\"role\":\"assistant\",\"model\":"u8);
        JsonString(_model);
        Raw(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"u8);
        Number(_promptTokens);
        Raw(",\"output_tokens\":0}}}\n\n"u8);
    }

    private void DeltaHead()
    {
        Raw("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"u8);
        Number(_blockIndex);
        Raw(",\"delta\":"u8);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _chunk.Write(bytes);

    private void JsonString(ReadOnlySpan<char> text)
    {
        _json.Reset();
        _json.WriteStringValue(text);
        _json.Flush();
    }

    private void Number(int value)
    {
        Span<byte> digits = stackalloc byte[11];
        value.TryFormat(digits, out var n);
        Raw(digits[..n]);
    }

    /// <summary>An event is complete: from here on an error must be an in-band event, not a status.</summary>
    private void Commit() => _started = true;
}
