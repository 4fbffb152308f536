using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams;

/// <summary>The bytes the OpenAI writers put on the wire, parsed the way a client parses them.</summary>
public class OpenAiOutputTests
{
    private static readonly ChunkIdentity Identity = GraphRun.Identity;

    private static async Task<string> WriteAsync(Action<IChatOutput> write, bool includeUsage = false, bool legacy = false, bool aggregate = false)
    {
        IChatOutput output = aggregate
            ? new ChatCompletionAggregator(Identity, legacy)
            : new OpenAiSseWriter(Identity, includeUsage, legacy);
        write(output);
        var bytes = output.TakeWritten();
        var text = bytes is null ? "" : Encoding.UTF8.GetString(bytes.Span);
        bytes?.Release();
        Assert.Null(output.TakeWritten());
        return await Task.FromResult(text);
    }

    [Fact]
    public async Task Every_chunk_is_a_chunk_object_with_one_stable_id_and_role_only_first()
    {
        var sse = await WriteAsync(o =>
        {
            o.SessionKnown("sess-1");
            o.Reasoning("thinking");
            o.Content("Hello");
            o.Content(" world");
            o.Finish("stop", new UsageFigures(3, 4));
        });
        var t = ClientTranscript.Parse(sse);

        Assert.Equal(4, t.Chunks.Count);
        Assert.All(t.Chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal(Identity.Id, c.GetProperty("id").GetString());
            Assert.Equal(Identity.Created, c.GetProperty("created").GetInt64());
            Assert.Equal(Identity.Model, c.GetProperty("model").GetString());
        });
        var deltas = t.Deltas.ToList();
        Assert.Equal("assistant", deltas[0].GetProperty("role").GetString());
        Assert.All(deltas.Skip(1), d => Assert.False(d.TryGetProperty("role", out _)));
        Assert.Equal("thinking", deltas[0].GetProperty("reasoning_content").GetString());
        Assert.Equal("Hello world", t.Content);
        Assert.Equal("sess-1", t.Chunks[0].GetProperty("session_id").GetString());
        Assert.Equal("stop", t.FinishReason);
        Assert.Null(t.Usage);
        Assert.True(t.DoneLast);
    }

    [Fact]
    public async Task Tool_call_first_delta_has_index_id_type_name_and_empty_arguments_then_fragments_have_index_only()
    {
        var sse = await WriteAsync(o =>
        {
            o.ToolCallStart(0, "call_a", "read_file");
            o.ToolCallArguments(0, "{\"path\":");
            o.ToolCallArguments(0, "\"a.txt\"}");
            o.ToolCallStart(1, "call_b", "list");
            o.ToolCallArguments(1, "{}");
            o.Finish("tool_calls", new UsageFigures(1, 1));
        });
        var t = ClientTranscript.Parse(sse);
        var calls = t.Deltas.Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0]).ToList();

        Assert.Equal(5, calls.Count);
        var first = calls[0];
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.Equal("call_a", first.GetProperty("id").GetString());
        Assert.Equal("function", first.GetProperty("type").GetString());
        Assert.Equal("read_file", first.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", first.GetProperty("function").GetProperty("arguments").GetString());

        var fragment = calls[1];
        Assert.Equal(["index", "function"], fragment.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["arguments"], fragment.GetProperty("function").EnumerateObject().Select(p => p.Name));

        var args0 = string.Concat(calls.Where(c => c.GetProperty("index").GetInt32() == 0).Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("{\"path\":\"a.txt\"}", args0);
        Assert.Equal("call_b", calls[3].GetProperty("id").GetString());
        Assert.Equal(1, calls[4].GetProperty("index").GetInt32());
        Assert.Equal("tool_calls", t.FinishReason);
    }

    [Fact]
    public async Task Legacy_functions_get_function_call_deltas()
    {
        var sse = await WriteAsync(o =>
        {
            o.ToolCallStart(0, "call_a", "get_weather");
            o.ToolCallArguments(0, "{\"city\":\"北京\"}");
            o.Finish("function_call", new UsageFigures(1, 1));
        }, legacy: true);
        var deltas = ClientTranscript.Parse(sse).Deltas.ToList();

        Assert.Equal("get_weather", deltas[0].GetProperty("function_call").GetProperty("name").GetString());
        Assert.Equal("", deltas[0].GetProperty("function_call").GetProperty("arguments").GetString());
        Assert.Equal("{\"city\":\"北京\"}", deltas[1].GetProperty("function_call").GetProperty("arguments").GetString());
        Assert.All(deltas, d => Assert.False(d.TryGetProperty("tool_calls", out _)));
    }

    [Fact]
    public async Task Usage_chunk_with_empty_choices_is_last_before_done_only_when_asked()
    {
        var with = await WriteAsync(o => { o.Content("hi"); o.Finish("stop", new UsageFigures(10, 5)); }, includeUsage: true);
        var t = ClientTranscript.Parse(with);
        Assert.Equal(0, t.Chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal((10, 5, 15), t.Usage);
        Assert.True(t.DoneLast);
        Assert.All(t.Chunks.SkipLast(1), c => Assert.False(c.TryGetProperty("usage", out _)));

        var without = ClientTranscript.Parse(await WriteAsync(o => { o.Content("hi"); o.Finish("stop", new UsageFigures(10, 5)); }));
        Assert.All(without.Chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Fail_after_start_sends_one_error_event_then_done_and_finish_adds_nothing()
    {
        var sse = await WriteAsync(o =>
        {
            o.Content("partial");
            o.Fail(new ErrorBody("Upstream error: boom", "api_error", "upstream_error"));
            o.Finish("stop", default);
        });
        var t = ClientTranscript.Parse(sse);
        var error = t.Chunks[^1].GetProperty("error");
        Assert.Equal("Upstream error: boom", error.GetProperty("message").GetString());
        Assert.Equal("api_error", error.GetProperty("type").GetString());
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
        Assert.Null(t.FinishReason);
        Assert.Equal(1, t.DoneCount);
        Assert.True(t.DoneLast);
        Assert.Empty(t.Comments);
    }

    [Fact]
    public async Task Aggregator_fail_writes_nothing_because_non_stream_errors_are_statuses()
    {
        Assert.Equal("", await WriteAsync(o => { o.Content("partial"); o.Fail(new ErrorBody("x", "api_error", null)); }, aggregate: true));
    }

    [Fact]
    public async Task Cjk_is_written_as_utf8_not_escaped_and_everything_round_trips()
    {
        var sse = await WriteAsync(o => { o.Content("你好 🌍 \"q\"\n</script>"); o.Finish("stop", default); });
        // CJK stays UTF-8 (a third of the bytes); the framework encoder escapes only astral characters (emoji) as pairs.
        Assert.Contains("你好 ", sse);
        Assert.DoesNotContain("\\u4F60", sse, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("你好 🌍 \"q\"\n</script>", ClientTranscript.Parse(sse).Content);
    }

    [Fact]
    public void Heartbeat_is_an_sse_comment_a_client_ignores()
    {
        var text = Encoding.UTF8.GetString(OpenAiSseWriter.Heartbeat.Span);
        Assert.Equal(": keep-alive\n\n", text);
        OpenAiSseWriter.Heartbeat.Release(); // a constant: releasing it must not invalidate it
        Assert.Equal(text, Encoding.UTF8.GetString(OpenAiSseWriter.Heartbeat.Span));
    }

    [Fact]
    public async Task Aggregator_writes_one_chat_completion_with_content_reasoning_session_and_usage()
    {
        var json = await WriteAsync(o =>
        {
            o.SessionKnown("sess-9");
            o.Reasoning("因为");
            o.Content("答案");
            o.Content(" 42");
            o.Finish("stop", new UsageFigures(11, 3));
        }, aggregate: true);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(Identity.Id, root.GetProperty("id").GetString());
        Assert.Equal("sess-9", root.GetProperty("session_id").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("答案 42", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("因为", choice.GetProperty("message").GetProperty("reasoning_content").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal((11, 3, 14), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
        Assert.Contains("答案", json);
    }

    [Fact]
    public async Task Aggregator_has_null_content_with_tool_calls()
    {
        var json = await WriteAsync(o =>
        {
            o.ToolCallStart(0, "call_a", "read");
            o.ToolCallArguments(0, "{\"p\":");
            o.ToolCallArguments(0, "1}");
            o.ToolCallStart(1, "call_b", "list");
            o.Finish("tool_calls", new UsageFigures(1, 2));
        }, aggregate: true);
        using var doc = JsonDocument.Parse(json);
        var message = doc.RootElement.GetProperty("choices")[0].GetProperty("message");

        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("session_id").ValueKind);
        var calls = message.GetProperty("tool_calls");
        Assert.Equal(2, calls.GetArrayLength());
        Assert.Equal("call_a", calls[0].GetProperty("id").GetString());
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("read", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"p\":1}", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("{}", calls[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.False(message.TryGetProperty("function_call", out _));
    }

    [Fact]
    public async Task Aggregator_gives_legacy_callers_function_call()
    {
        var json = await WriteAsync(o =>
        {
            o.ToolCallStart(0, "call_a", "get_weather");
            o.ToolCallArguments(0, "{\"city\":\"x\"}");
            o.Finish("function_call", new UsageFigures(1, 2));
        }, legacy: true, aggregate: true);
        using var doc = JsonDocument.Parse(json);
        var message = doc.RootElement.GetProperty("choices")[0].GetProperty("message");

        Assert.Equal("get_weather", message.GetProperty("function_call").GetProperty("name").GetString());
        Assert.Equal("{\"city\":\"x\"}", message.GetProperty("function_call").GetProperty("arguments").GetString());
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal("function_call", doc.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("你好世界", 4)]
    [InlineData("😀", 2)]
    public void Token_counter_counts_cjk_per_character_and_latin_per_four(string text, int tokens)
        => Assert.Equal(tokens, TokenCounter.Estimate(text));
}
