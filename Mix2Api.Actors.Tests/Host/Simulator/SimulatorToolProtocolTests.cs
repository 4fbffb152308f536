using System.Text.Json;
using System.Text.Json.Nodes;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

public class SimulatorToolProtocolTests
{
    private static async Task<SseCapture> AskAsync(string question, JsonArray? extraMessages = null)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        return await SimHttp.SendAndReadAsync(client, SimHttp.ChatRaw(SimHttp.Body(question, extraMessages: extraMessages)));
    }

    [Theory]
    [InlineData("plain", ToolEnvelopeStyle.Plain)]
    [InlineData("fenced", ToolEnvelopeStyle.Fenced)]
    [InlineData("prose", ToolEnvelopeStyle.Prose)]
    public async Task Tool_call_envelope_is_streamed_as_many_small_deltas(string style, ToolEnvelopeStyle expected)
    {
        var sse = await AskAsync($$"""read it [[sim:tool name=read_file args={"path": "a b.txt"} style={{style}} chunk=3]]""");

        var text = sse.Deltas();
        Assert.Equal(SimScripts.ToolCallText("read_file", """{"path":"a b.txt"}""", expected), text);
        Assert.True(sse.Types.Count(t => t == "text-delta") >= text.Length / 3);
        Assert.All(sse.Frames.Where(f => f.GetProperty("type").GetString() == "text-delta"), f => Assert.True(f.GetProperty("delta").GetString()!.Length <= 3));
        var envelope = text[text.IndexOf('{')..text.LastIndexOf('}')] + "}";
        using var doc = JsonDocument.Parse(envelope);
        Assert.Equal("a b.txt", doc.RootElement.GetProperty("tool_call").GetProperty("arguments").GetProperty("path").GetString());
    }

    [Fact]
    public async Task Two_calls_come_as_a_tool_calls_envelope()
    {
        var sse = await AskAsync("""[[sim:tools name=read_file args={"path":"a"} name2=list_dir args2={"dir":"."}]]""");

        using var doc = JsonDocument.Parse(sse.Deltas());
        var calls = doc.RootElement.GetProperty("tool_calls");
        Assert.Equal(["read_file", "list_dir"], calls.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(".", calls[1].GetProperty("arguments").GetProperty("dir").GetString());
    }

    [Fact]
    public async Task Final_envelope_carries_the_answer()
    {
        var sse = await AskAsync("[[sim:final text=\"It is 42.\"]]");

        using var doc = JsonDocument.Parse(sse.Deltas());
        Assert.Equal("It is 42.", doc.RootElement.GetProperty("final").GetString());
    }

    [Fact]
    public async Task A_tool_directive_answers_final_once_the_request_carries_tool_results()
    {
        var results = new JsonArray
        {
            new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray() },
            new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_1", ["content"] = "file text" },
        };

        var sse = await AskAsync("[[sim:tool name=read_file]]", results);

        using var doc = JsonDocument.Parse(sse.Deltas());
        Assert.Equal("Done: 1 tool result(s) seen.", doc.RootElement.GetProperty("final").GetString());
    }

    [Fact]
    public async Task A_final_answer_can_quote_the_last_tool_result()
    {
        var results = new JsonArray
        {
            new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_1", ["content"] = "first" },
            new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_2", ["content"] = "1\tthe \"secret\"" },
        };

        var sse = await AskAsync("[[sim:tool name=Read final=\"It says: {result}\"]]", results);

        using var doc = JsonDocument.Parse(sse.Deltas());
        Assert.Equal("It says: 1\tthe \"secret\"", doc.RootElement.GetProperty("final").GetString());
    }

    [Fact]
    public async Task A_tool_directive_with_repeat_calls_again_despite_tool_results()
    {
        var results = new JsonArray { new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_1", ["content"] = "x" } };

        var sse = await AskAsync("[[sim:tool name=read_file repeat=true]]", results);

        Assert.StartsWith("{\"tool_call\"", sse.Deltas());
    }
}
