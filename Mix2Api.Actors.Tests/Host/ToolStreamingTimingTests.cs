using System.Text;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Streaming stays on while tools are present: text and tool-call names reach the client while the
/// upstream is still paused (a gate), not after the generation ends.
/// </summary>
public sealed class ToolStreamingTimingTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["SSE_HEARTBEAT_MS"] = "0" });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static StringContent ToolsRequest() => ChatRequests.Json("""
        {"model":"m","stream":true,"messages":[{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
        """);

    private static SimScript TwoPartAnswer(string first, SimGate gate, string second)
    {
        static byte[] Delta(string text) => Encoding.UTF8.GetBytes(
            "data: " + JsonSerializer.Serialize(new { type = "text-delta", id = "t0", delta = text }) + "\n\n");
        return new SimScript("two-part", new SimStep.Headers(), new SimStep.StartFrame(),
            new SimStep.Frame(Delta(first)), new SimStep.WaitGate(gate), new SimStep.Frame(Delta(second)),
            new SimStep.Frame(Encoding.UTF8.GetBytes("data: {\"type\":\"finish\"}\n\n")), new SimStep.Done());
    }

    private async Task<(StreamReader Reader, HttpResponseMessage Response)> OpenAsync()
    {
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ToolsRequest()), HttpCompletionOption.ResponseHeadersRead);
        return (new StreamReader(await response.Content.ReadAsStreamAsync()), response);
    }

    private static async Task<JsonElement> NextDeltaAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var choices = JsonDocument.Parse(line[6..]).RootElement.GetProperty("choices");
            if (choices.GetArrayLength() > 0) return choices[0].GetProperty("delta");
        }
        throw new EndOfStreamException();
    }

    [Fact]
    public async Task Final_text_reaches_the_client_before_the_upstream_sends_its_second_frame()
    {
        var gate = new SimGate();
        _broker.Upstream.Enqueue(TwoPartAnswer("{\"final\":\"Hello, ", gate, "world\"}"));
        var (reader, response) = await OpenAsync();
        using (response)
        {
            var delta = await NextDeltaAsync(reader);
            Assert.Equal("Hello,", delta.GetProperty("content").GetString()!.TrimEnd());
            Assert.False(gate.IsOpen);
            gate.Open();
            Assert.Contains("world", await reader.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Tool_call_name_reaches_the_client_before_the_upstream_finishes_the_arguments()
    {
        var gate = new SimGate();
        _broker.Upstream.Enqueue(TwoPartAnswer("{\"tool_call\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Pa", gate, "ris\"}}}"));
        var (reader, response) = await OpenAsync();
        using (response)
        {
            var delta = await NextDeltaAsync(reader);
            var call = delta.GetProperty("tool_calls")[0];
            Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
            Assert.StartsWith("call_", call.GetProperty("id").GetString());
            Assert.False(gate.IsOpen);
            gate.Open();
            var rest = await reader.ReadToEndAsync();
            Assert.Contains("\"finish_reason\":\"tool_calls\"", rest);
        }
    }
}
