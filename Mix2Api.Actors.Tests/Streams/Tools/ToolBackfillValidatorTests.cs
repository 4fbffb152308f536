using System.Text;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

public class ToolBackfillValidatorTests
{
    internal static ChatRequest Request(string messagesJson, string extra = "")
    {
        var body = "{\"model\":\"m\",\"messages\":" + messagesJson + extra + "}";
        Assert.True(ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(body), out var r, out var e), e?.Message);
        return r!;
    }

    private const string User = """{"role":"user","content":"hi"}""";
    private const string Assistant = """{"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"read_file","arguments":"{}"}},{"id":"call_b","type":"function","function":{"name":"bash","arguments":"{}"}}]}""";

    [Theory]
    [InlineData("[" + User + ",{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"x\"}]",
        "missing_assistant_tool_calls", "Invalid tool backfill: trailing tool messages must follow an assistant message with tool_calls")]
    [InlineData("[{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"x\"}]",
        "missing_assistant_tool_calls", "Invalid tool backfill: trailing tool messages must follow an assistant message with tool_calls")]
    [InlineData("[" + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"bash\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"x\"}]",
        "missing_tool_call_id", "Invalid tool backfill: assistant.tool_calls[] must include id fields")]
    [InlineData("[" + User + "," + Assistant + ",{\"role\":\"tool\",\"content\":\"x\"}]",
        "missing_tool_call_id", "Invalid tool backfill: tool messages must include tool_call_id")]
    [InlineData("[" + User + "," + Assistant + ",{\"role\":\"tool\",\"tool_call_id\":\"call_wrong\",\"content\":\"x\"}]",
        "tool_call_id_mismatch", "Invalid tool backfill: tool_call_id not found in previous assistant.tool_calls: call_wrong")]
    [InlineData("[" + User + "," + Assistant + ",{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"x\"},{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"y\"}]",
        "duplicate_tool_call_id", "Invalid tool backfill: duplicate tool_call_id in tool messages: call_a")]
    [InlineData("[" + User + "," + Assistant + ",{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"name\":\"bash\",\"content\":\"x\"}]",
        "tool_name_mismatch", "Invalid tool backfill: tool name does not match tool_call_id call_a (expected read_file, got bash)")]
    [InlineData("[" + User + ",{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}},{\"role\":\"function\",\"name\":\"other\",\"content\":\"x\"}]",
        "tool_name_mismatch", "Invalid tool backfill: function message name not found in previous assistant function_call: other")]
    public void Invalid_backfill_gets_the_node_adapter_code_and_literal_message(string messages, string code, string message)
    {
        var ok = ToolPlan.TryCreate(Request(messages), ToolOptions.Default, out var plan, out var error);
        Assert.False(ok);
        Assert.Null(plan);
        Assert.Equal(code, error!.Code);
        Assert.Equal("messages", error.Param);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Valid_backfill_with_unanswered_calls_is_accepted_as_the_node_adapter_does()
    {
        var messages = "[" + User + "," + Assistant + ",{\"role\":\"tool\",\"tool_call_id\":\"call_b\",\"name\":\"bash\",\"content\":\"ok\"}]";
        Assert.Null(ToolBackfillValidator.Validate(Request(messages).Messages));
    }

    [Fact]
    public void Legacy_function_result_matching_the_function_call_is_accepted()
    {
        var messages = "[" + User + ",{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}},{\"role\":\"function\",\"name\":\"get_weather\",\"content\":\"sunny\"}]";
        Assert.Null(ToolBackfillValidator.Validate(Request(messages).Messages));
    }

    [Fact]
    public void Earlier_tool_chains_are_not_revalidated_only_the_trailing_run()
    {
        var messages = "[" + User + ",{\"role\":\"tool\",\"tool_call_id\":\"orphan\",\"content\":\"x\"}," + User + "]";
        Assert.Null(ToolBackfillValidator.Validate(Request(messages).Messages));
    }
}
