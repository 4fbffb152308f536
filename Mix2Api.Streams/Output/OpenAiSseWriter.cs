using System.Buffers;
using System.Text.Json;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Output;

/// <summary>
/// Encodes OpenAI <c>chat.completion.chunk</c> SSE events into a pooled buffer that the graph takes
/// per batch (<see cref="TakeWritten"/>). The fixed parts of a chunk are pre-encoded once per response;
/// only strings go through the JSON escaper, so a chunk costs a few buffer copies and no allocations.
/// </summary>
public sealed class OpenAiSseWriter : IChatOutput
{
    private static ReadOnlySpan<byte> ChoicesOpen => ",\"choices\":[{\"index\":0,\"delta\":{"u8;

    private static readonly JsonWriterOptions WriterOptions = RelaxedJson.Unvalidated;

    /// <summary>Characters a JSON string holds unescaped under <see cref="RelaxedJson"/>: printable ASCII but <c>"</c> and <c>\</c>.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private readonly PooledBufferWriter _chunk = new();
    private readonly Utf8JsonWriter _json;
    private readonly ChunkIdentity _identity;
    private readonly bool _includeUsage;
    private readonly bool _legacyFunctions;
    private readonly byte[] _head;
    private bool _deltaHasField;
    private string? _sessionToAnnounce;
    private bool _roleSent;
    private bool _ended;
    private long _chunks;
    private TokenCounter _tokens;

    public OpenAiSseWriter(ChunkIdentity identity, bool includeUsage, bool legacyFunctions)
    {
        _json = new Utf8JsonWriter(_chunk, WriterOptions);
        _identity = identity;
        _includeUsage = includeUsage;
        _legacyFunctions = legacyFunctions;
        _head = EncodeHead(identity);
    }

    /// <summary>The keep-alive comment (SPEC §1.5), one constant element the graph injects while the client hears nothing.</summary>
    public static readonly PooledBytes Heartbeat = PooledBytes.Unpooled(": keep-alive\n\n"u8.ToArray());

    public int EstimatedCompletionTokens => _tokens.Tokens;

    /// <summary><c>chat.completion.chunk</c> events written so far (read by the admin view from another thread).</summary>
    public long Chunks => Volatile.Read(ref _chunks);

    public void SessionKnown(string sessionId) => _sessionToAnnounce ??= sessionId;

    /// <summary>An OpenAI stream has no opening event: a keep-alive comment may precede the first chunk.</summary>
    public void UpstreamAnswered() { }

    public void Content(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        _tokens.Add(text);
        BeginDelta();
        Field("\"content\":"u8);
        JsonString(text);
        EndDelta(null);
    }

    public void Reasoning(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        _tokens.Add(text);
        BeginDelta();
        Field("\"reasoning_content\":"u8);
        JsonString(text);
        EndDelta(null);
    }

    public void ToolCallStart(int index, string id, string name)
    {
        _tokens.Add(name);
        BeginDelta();
        if (_legacyFunctions)
        {
            Field("\"function_call\":{\"name\":"u8);
            JsonString(name);
            Raw(",\"arguments\":\"\"}"u8);
        }
        else
        {
            Field("\"tool_calls\":[{\"index\":"u8);
            Number(index);
            Raw(",\"id\":"u8);
            JsonString(id);
            Raw(",\"type\":\"function\",\"function\":{\"name\":"u8);
            JsonString(name);
            Raw(",\"arguments\":\"\"}}]"u8);
        }
        EndDelta(null);
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        if (fragment.IsEmpty) return;
        _tokens.Add(fragment);
        BeginDelta();
        if (_legacyFunctions)
        {
            Field("\"function_call\":{\"arguments\":"u8);
            JsonString(fragment);
            Raw("}"u8);
        }
        else
        {
            Field("\"tool_calls\":[{\"index\":"u8);
            Number(index);
            Raw(",\"function\":{\"arguments\":"u8);
            JsonString(fragment);
            Raw("}}]"u8);
        }
        EndDelta(null);
    }

    /// <remarks>OpenAI's answer does not name the stop sequence: it is <c>finish_reason:"stop"</c>.</remarks>
    public void Finish(string finishReason, UsageFigures usage, string? stopSequence = null)
    {
        if (_ended) return;
        BeginDelta();
        EndDelta(finishReason);
        if (_includeUsage)
        {
            Raw(_head);
            Raw(",\"choices\":[],\"usage\":"u8);
            Raw("{\"prompt_tokens\":"u8);
            Number(usage.PromptTokens);
            Raw(",\"completion_tokens\":"u8);
            Number(usage.CompletionTokens);
            Raw(",\"total_tokens\":"u8);
            Number(usage.TotalTokens);
            Raw("}}\n\n"u8);
        }
        Raw("data: [DONE]\n\n"u8);
        _ended = true;
    }

    public void Fail(ErrorBody error)
    {
        if (_ended) return;
        Raw("data: {\"error\":{\"message\":"u8);
        JsonString(error.Message);
        Raw(",\"type\":"u8);
        JsonString(error.Type);
        Raw(",\"code\":"u8);
        if (error.Code is null) Raw("null"u8); else JsonString(error.Code);
        Raw("}}\n\ndata: [DONE]\n\n"u8);
        _ended = true;
    }

    private void BeginDelta()
    {
        // After [DONE] nothing more may reach the client: a late write is a bug upstream of here, not a chunk.
        if (_ended) throw new InvalidOperationException("the stream already ended");
        Volatile.Write(ref _chunks, _chunks + 1);
        Raw(_head);
        if (_sessionToAnnounce is { } session)
        {
            // The first chunk that knows the upstream session carries it (x-session-id may have gone out already).
            Raw(",\"session_id\":"u8);
            JsonString(session);
            _sessionToAnnounce = null;
        }
        Raw(ChoicesOpen);
        _deltaHasField = false;
        if (!_roleSent)
        {
            Raw("\"role\":\"assistant\""u8);
            _roleSent = true;
            _deltaHasField = true;
        }
    }

    /// <summary>Starts the next property of the delta object, with a comma when one came before.</summary>
    private void Field(ReadOnlySpan<byte> nameAndColon)
    {
        if (_deltaHasField) Raw(","u8);
        Raw(nameAndColon);
        _deltaHasField = true;
    }

    private void EndDelta(string? finishReason)
    {
        if (finishReason is null)
        {
            Raw("},\"finish_reason\":null}]}\n\n"u8);
            return;
        }
        Raw("},\"finish_reason\":"u8);
        JsonString(finishReason);
        Raw("}]}\n\n"u8);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _chunk.Write(bytes);

    private void JsonString(ReadOnlySpan<char> text)
    {
        // Printable ASCII other than quote and backslash is written as is by the relaxed escaper: copy it.
        if (text.IndexOfAnyExcept(PlainAscii) < 0)
        {
            var span = _chunk.GetSpan(text.Length + 2);
            span[0] = (byte)'"';
            System.Text.Ascii.FromUtf16(text, span[1..], out var written);
            span[written + 1] = (byte)'"';
            _chunk.Advance(written + 2);
            return;
        }
        _json.Reset();
        _json.WriteStringValue(text);
        _json.Flush();
    }

    public PooledBytes? TakeWritten() => _chunk.Detach();

    private void Number(int value)
    {
        Span<byte> digits = stackalloc byte[11];
        value.TryFormat(digits, out var n);
        Raw(digits[..n]);
    }

    /// <summary>
    /// <c>data: {"id":…,"object":"chat.completion.chunk","created":…,"model":…</c> with the object left open: the start of
    /// every chunk, encoded once per response through the chunk buffer and writer the response has anyway.
    /// </summary>
    private byte[] EncodeHead(ChunkIdentity identity)
    {
        _chunk.Write("data: "u8);
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString("id", identity.Id);
        _json.WriteString("object", "chat.completion.chunk");
        _json.WriteNumber("created", identity.Created);
        _json.WriteString("model", identity.Model);
        _json.WriteEndObject();
        _json.Flush();
        var head = _chunk.WrittenSpan[..^1].ToArray();
        _chunk.Clear();
        return head;
    }
}
