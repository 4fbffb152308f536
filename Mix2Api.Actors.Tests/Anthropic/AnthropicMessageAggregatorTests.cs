using System.Text.Json;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>The non-stream <c>message</c> object.</summary>
public class AnthropicMessageAggregatorTests
{
    private static async Task<JsonElement> AggregateAsync(Action<AnthropicMessageAggregator> write)
    {
        var aggregator = new AnthropicMessageAggregator("msg_test", "claude-test");
        write(aggregator);
        var bytes = aggregator.TakeWritten()!;
        var message = JsonDocument.Parse(bytes.Span.ToArray()).RootElement.Clone();
        bytes.Release();
        return await Task.FromResult(message);
    }

    [Fact]
    public async Task Blocks_come_in_order_with_tool_use_input_as_an_object()
    {
        var message = await AggregateAsync(o =>
        {
            o.Reasoning("hmm");
            o.Content("Let me ");
            o.Content("read.");
            o.ToolCallStart(0, "call_XYZ", "Read");
            o.ToolCallArguments(0, "{\"file_path\":");
            o.ToolCallArguments(0, "\"/a.txt\"}");
            o.Finish("tool_calls", new UsageFigures(10, 5));
        });

        Assert.Equal("msg_test", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("claude-test", message.GetProperty("model").GetString());
        var content = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["thinking", "text", "tool_use"], content.Select(c => c.GetProperty("type").GetString()));
        Assert.Equal("hmm", content[0].GetProperty("thinking").GetString());
        Assert.Equal("Let me read.", content[1].GetProperty("text").GetString());
        Assert.Equal("toolu_XYZ", content[2].GetProperty("id").GetString());
        Assert.Equal("Read", content[2].GetProperty("name").GetString());
        Assert.Equal("/a.txt", content[2].GetProperty("input").GetProperty("file_path").GetString());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        Assert.Equal(10, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(5, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Arguments_cut_by_the_length_limit_give_an_empty_input_and_max_tokens()
    {
        var message = await AggregateAsync(o =>
        {
            o.ToolCallStart(0, "call_1", "Write");
            o.ToolCallArguments(0, "{\"content\":\"half");
            o.Finish("length", new UsageFigures(1, 1));
        });
        var block = message.GetProperty("content")[0];
        Assert.Empty(block.GetProperty("input").EnumerateObject());
        Assert.Equal("max_tokens", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task A_call_with_no_arguments_has_an_empty_object_input()
    {
        var message = await AggregateAsync(o =>
        {
            o.ToolCallStart(0, "call_1", "ListAgents");
            o.Finish("tool_calls", new UsageFigures(1, 1));
        });
        Assert.Equal(JsonValueKind.Object, message.GetProperty("content")[0].GetProperty("input").ValueKind);
    }

    [Fact]
    public async Task Nothing_is_written_before_finish_so_failures_stay_http_statuses()
    {
        var aggregator = new AnthropicMessageAggregator("msg_test", "m");
        aggregator.Content("text");
        aggregator.Fail(new Mix2Api.Streams.Output.ErrorBody("m", "api_error", null));
        Assert.Null(aggregator.TakeWritten());
    }
}
