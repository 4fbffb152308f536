using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Output;

/// <summary>
/// The non-stream encoder of the graph: collects what the stream writer would have sent and, at the
/// end, encodes one <c>chat.completion</c> object (SPEC §1.4). Nothing reaches the client before
/// <see cref="Finish"/>, so every failure can still be an HTTP status.
/// </summary>
public sealed class ChatCompletionAggregator(ChunkIdentity identity, bool legacyFunctions) : IChatOutput
{
    private static readonly JsonWriterOptions WriterOptions = RelaxedJson.Options;

    private readonly StringBuilder _content = new();
    private StringBuilder? _reasoning;
    private readonly List<(string Id, string Name, StringBuilder Arguments)> _calls = [];
    private string? _sessionId;
    private TokenCounter _tokens;

    private readonly PooledBufferWriter _body = new(4096);

    public int EstimatedCompletionTokens => _tokens.Tokens;

    public string Text => _content.ToString();

    public void SessionKnown(string sessionId) => _sessionId ??= sessionId;

    /// <summary>One body at the end: nothing to open.</summary>
    public void UpstreamAnswered() { }

    public void Content(ReadOnlySpan<char> text)
    {
        _tokens.Add(text);
        _content.Append(text);
    }

    public void Reasoning(ReadOnlySpan<char> text)
    {
        _tokens.Add(text);
        (_reasoning ??= new StringBuilder()).Append(text);
    }

    public void ToolCallStart(int index, string id, string name)
    {
        _tokens.Add(name);
        _calls.Add((id, name, new StringBuilder()));
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        _tokens.Add(fragment);
        _calls[index].Arguments.Append(fragment);
    }

    public void Fail(ErrorBody error) { }

    /// <remarks>OpenAI's answer does not name the stop sequence: it is <c>finish_reason:"stop"</c>.</remarks>
    public void Finish(string finishReason, UsageFigures usage, string? stopSequence = null)
    {
        using var w = new Utf8JsonWriter(_body, WriterOptions);
        w.WriteStartObject();
        w.WriteString("id", identity.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", identity.Created);
        w.WriteString("model", identity.Model);
        if (_sessionId is not null) w.WriteString("session_id", _sessionId);
        else w.WriteNull("session_id");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (_calls.Count > 0 && _content.Length == 0) w.WriteNull("content");
        else w.WriteString("content", _content.ToString());
        if (_reasoning is not null) w.WriteString("reasoning_content", _reasoning.ToString());
        WriteCalls(w);
        w.WriteEndObject();
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.TotalTokens);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
    }

    private void WriteCalls(Utf8JsonWriter w)
    {
        if (_calls.Count == 0) return;
        if (legacyFunctions)
        {
            // Legacy callers get the one function_call they can understand.
            w.WriteStartObject("function_call");
            w.WriteString("name", _calls[0].Name);
            w.WriteString("arguments", Arguments(_calls[0].Arguments));
            w.WriteEndObject();
            return;
        }
        w.WriteStartArray("tool_calls");
        foreach (var (id, name, arguments) in _calls)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", name);
            w.WriteString("arguments", Arguments(arguments));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Arguments(StringBuilder arguments) => arguments.Length == 0 ? "{}" : arguments.ToString();

    public PooledBytes? TakeWritten() => _body.Detach();
}
