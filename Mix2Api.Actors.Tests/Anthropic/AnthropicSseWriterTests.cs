using System.Text.Json;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>The Anthropic event stream the writer puts on the wire, read as a client reads it.</summary>
public class AnthropicSseWriterTests
{
    private static Task<(string Sse, AnthropicSseWriter Writer)> WriteAsync(Action<IChatOutput> write)
    {
        var writer = new AnthropicSseWriter("msg_test", "claude-test", promptTokens: 42);
        write(writer);
        var bytes = writer.TakeWritten();
        var sse = bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes.Span);
        bytes?.Release();
        return Task.FromResult((sse, writer));
    }

    [Fact]
    public async Task A_text_answer_is_the_exact_event_sequence_with_end_turn_and_usage()
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.Content("Hello");
            o.Content(" world");
            o.Finish("stop", new UsageFigures(42, 7));
        });
        var t = AnthropicTranscript.Parse(sse);

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop"], t.Names);
        Assert.Equal("msg_test", t.Message.GetProperty("id").GetString());
        Assert.Equal("message", t.Message.GetProperty("type").GetString());
        Assert.Equal("assistant", t.Message.GetProperty("role").GetString());
        Assert.Equal("claude-test", t.Message.GetProperty("model").GetString());
        Assert.Equal(0, t.Message.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, t.Message.GetProperty("stop_reason").ValueKind);
        Assert.Equal(42, t.Message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("Hello world", t.Text);
        Assert.Equal("end_turn", t.StopReason);
        Assert.Equal(7, t.Usage!.Value.GetProperty("output_tokens").GetInt32());
        Assert.Equal(42, t.Usage!.Value.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Reasoning_is_a_thinking_block_before_the_text_block()
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.Reasoning("let me ");
            o.Reasoning("think");
            o.Content("answer");
            o.Finish("stop", new UsageFigures(1, 2));
        });
        var t = AnthropicTranscript.Parse(sse);

        Assert.Equal(["thinking", "text"], t.Blocks.Select(b => b.Type));
        Assert.Equal("let me think", t.Thinking);
        Assert.Equal("answer", t.Text);
        Assert.Equal([0, 1], t.Blocks.Select(b => b.Index));
    }

    [Fact]
    public async Task Tool_calls_are_tool_use_blocks_with_toolu_ids_and_input_json_deltas_that_concatenate_to_the_arguments()
    {
        const string args0 = "{\"file_path\": \"/srv/a b.txt\", \"limit\": 10}";
        const string args1 = "{\"command\":\"ls -la \\\"x\\\"\"}";
        var (sse, _) = await WriteAsync(o =>
        {
            o.Content("Reading it.");
            o.ToolCallStart(0, "call_ABCDEFGHIJKLMNOPQRSTUVWX", "Read");
            foreach (var piece in Chunks(args0, 5)) o.ToolCallArguments(0, piece);
            o.ToolCallStart(1, "call_abcdefghijklmnopqrstuvwx", "Bash");
            foreach (var piece in Chunks(args1, 3)) o.ToolCallArguments(1, piece);
            o.Finish("tool_calls", new UsageFigures(1, 2));
        });
        var t = AnthropicTranscript.Parse(sse);

        Assert.Equal(["text", "tool_use", "tool_use"], t.Blocks.Select(b => b.Type));
        var tools = t.ToolUses;
        Assert.Equal("toolu_ABCDEFGHIJKLMNOPQRSTUVWX", tools[0].Id);
        Assert.Equal("Read", tools[0].Name);
        Assert.Equal(JsonValueKind.Object, tools[0].Start.GetProperty("input").ValueKind);
        Assert.Equal(args0, tools[0].Text.ToString());
        Assert.Equal("toolu_abcdefghijklmnopqrstuvwx", tools[1].Id);
        Assert.Equal(args1, tools[1].Text.ToString());
        Assert.Equal("tool_use", t.StopReason);
        Assert.True(t.Events.Count(e => e.Name == "content_block_delta") > 4, "tool input streams as it arrives");
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("function_call", "tool_use")]
    [InlineData("length", "max_tokens")]
    public async Task Finish_reasons_become_anthropic_stop_reasons(string finish, string stopReason)
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.Content("x");
            o.Finish(finish, new UsageFigures(1, 1));
        });
        var t = AnthropicTranscript.Parse(sse);
        Assert.Equal(stopReason, t.StopReason);
        Assert.Equal(JsonValueKind.Null, t.Events.Single(e => e.Name == "message_delta").Data.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
    }

    [Fact]
    public async Task A_text_ended_by_a_stop_sequence_names_it()
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.Content("x");
            o.Finish("stop", new UsageFigures(1, 1), stopSequence: "\"END\"");
        });
        var t = AnthropicTranscript.Parse(sse);
        Assert.Equal("stop_sequence", t.StopReason);
        Assert.Equal("\"END\"", t.Events.Single(e => e.Name == "message_delta").Data.GetProperty("delta").GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public async Task An_abnormal_end_after_the_start_is_one_error_event_and_never_a_stop()
    {
        var (sse, writer) = await WriteAsync(o =>
        {
            o.Content("partial");
            o.Fail(new ErrorBody("Upstream connection failed mid-response", "api_error", "upstream_error"));
            o.Fail(new ErrorBody("second", "api_error", "upstream_error"));
        });
        var t = AnthropicTranscript.Parse(sse);

        Assert.Equal("error", t.Events[^1].Name);
        Assert.Single(t.Events, e => e.Name == "error");
        Assert.DoesNotContain("message_delta", t.Names);
        Assert.DoesNotContain("message_stop", t.Names);
        Assert.Null(t.StopReason);
        Assert.Equal("api_error", t.Error!.Value.GetProperty("type").GetString());
        Assert.Equal("Upstream connection failed mid-response", t.Error!.Value.GetProperty("message").GetString());
        Assert.Null(writer.TakeWritten()); // nothing more after the error event
    }

    [Theory]
    [InlineData("rate_limit_error", "rate_limit_exceeded", "rate_limit_error")]
    [InlineData("api_error", "shutdown", "overloaded_error")]
    [InlineData("api_error", "upstream_timeout", "api_error")]
    public async Task The_error_event_type_follows_the_error_code(string type, string code, string anthropicType)
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.Content("x");
            o.Fail(new ErrorBody("m", type, code));
        });
        Assert.Equal(anthropicType, AnthropicTranscript.Parse(sse).Error!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Fail_before_anything_was_written_writes_nothing_so_the_endpoint_can_answer_with_a_status()
    {
        var (sse, writer) = await WriteAsync(o => o.Fail(new ErrorBody("m", "api_error", "upstream_error")));
        Assert.Equal("", sse);
    }

    [Fact]
    public async Task Once_the_upstream_answered_message_start_is_out_once_and_a_later_failure_is_an_error_event()
    {
        var (sse, _) = await WriteAsync(o =>
        {
            o.UpstreamAnswered();
            o.Content("partial");
            o.Fail(new ErrorBody("m", "api_error", "upstream_error"));
        });
        var t = AnthropicTranscript.Parse(sse);
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], t.Names);
        Assert.Equal("partial", t.Text);
    }

    [Fact]
    public void The_heartbeat_the_graph_injects_is_anthropics_ping_event()
    {
        Assert.Equal("event: ping\ndata: {\"type\":\"ping\"}\n\n", System.Text.Encoding.UTF8.GetString(AnthropicSseWriter.Ping.Span));
    }

    [Fact]
    public async Task An_empty_answer_still_has_message_start_stop_reason_and_message_stop()
    {
        var (sse, _) = await WriteAsync(o => o.Finish("stop", new UsageFigures(3, 1)));
        Assert.Equal(["message_start", "message_delta", "message_stop"], AnthropicTranscript.Parse(sse).Names);
    }

    [Fact]
    public async Task Text_is_escaped_as_json_and_keeps_cjk_and_emoji()
    {
        const string text = "中文 \"quoted\" \\ new\nline 😀 </script>";
        var (sse, writer) = await WriteAsync(o =>
        {
            o.Content(text);
            o.Finish("stop", new UsageFigures(1, 1));
        });
        Assert.Equal(text, AnthropicTranscript.Parse(sse).Text);
        Assert.Contains("中文", sse);
        Assert.True(writer.EstimatedCompletionTokens > 0);
    }

    [Fact]
    public async Task Arguments_for_a_call_whose_block_is_closed_are_a_bug_not_a_silent_drop()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(o =>
        {
            o.ToolCallStart(0, "call_1", "Read");
            o.Content("between");
            o.ToolCallArguments(0, "{}");
        }));
    }

    [Fact]
    public async Task Writing_after_the_end_is_refused()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(o =>
        {
            o.Finish("stop", new UsageFigures(1, 1));
            o.Content("late");
        }));
    }

    private static IEnumerable<string> Chunks(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size) yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
