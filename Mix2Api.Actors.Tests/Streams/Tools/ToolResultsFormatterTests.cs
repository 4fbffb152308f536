using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

public class ToolResultsFormatterTests
{
    private const string Assistant = """{"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"read_file","arguments":"{}"}},{"id":"call_b","type":"function","function":{"name":"bash","arguments":"{}"}}]}""";

    [Fact]
    public void Results_are_labelled_with_the_function_name_found_through_tool_call_id()
    {
        var request = ToolBackfillValidatorTests.Request("[{\"role\":\"user\",\"content\":\"q\"}," + Assistant
            + ",{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"file text\"},{\"role\":\"tool\",\"tool_call_id\":\"call_b\",\"content\":\"ls out\"}]");
        var text = ToolResultsFormatter.Format(request.Messages, 20000);
        Assert.Equal("- 工具 read_file（tool_call_id=call_a）输出：\nfile text\n\n- 工具 bash（tool_call_id=call_b）输出：\nls out", text);
    }

    [Fact]
    public void Legacy_function_results_use_their_name_and_no_id()
    {
        var request = ToolBackfillValidatorTests.Request("[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}},{\"role\":\"function\",\"name\":\"get_weather\",\"content\":\"sunny\"}]");
        Assert.Equal("- 工具 get_weather输出：\nsunny", ToolResultsFormatter.Format(request.Messages, 20000));
    }

    [Fact]
    public void No_trailing_results_gives_null()
    {
        var request = ToolBackfillValidatorTests.Request("[{\"role\":\"user\",\"content\":\"q\"}]");
        Assert.Null(ToolResultsFormatter.Format(request.Messages, 20000));
    }

    [Fact]
    public void Long_results_keep_head_and_tail_around_the_marker()
    {
        var content = new string('H', 600) + new string('T', 600);
        var request = ToolBackfillValidatorTests.Request("[{\"role\":\"user\",\"content\":\"q\"}," + Assistant
            + ",{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"" + content + "\"}]");
        var text = ToolResultsFormatter.Format(request.Messages, 100)!;
        var body = text[(text.IndexOf('\n') + 1)..];
        Assert.True(body.Length <= 100, body.Length.ToString());
        Assert.StartsWith("HHHH", body);
        Assert.EndsWith("TTTT", body);
        Assert.Contains("\n" + ToolResultsFormatter.TruncationMarker + "\n", body);
        var budget = 100 - ToolResultsFormatter.TruncationMarker.Length - 2;
        Assert.Equal((int)Math.Floor(budget * 0.6), body.IndexOf('\n'));
    }
}
