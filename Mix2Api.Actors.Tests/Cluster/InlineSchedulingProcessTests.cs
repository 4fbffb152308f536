using System.Net;
using System.Text;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// A node process turns on inline socket completions by itself (socket completions, and with Kestrel's inline
/// scheduling the request processing, on the runtime's epoll threads), says so in its start-up log, and keeps every
/// behaviour a client sees: answers, streams to <c>[DONE]</c>, and a client that leaves mid-stream closes the
/// upstream at once and is logged as client_abort. The environment can still turn them off.
/// </summary>
public sealed class InlineSchedulingProcessTests
{
    private const string Body = """{"model":"mix/qwen-3-235b-instruct","stream":STREAM,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_node_completes_sockets_inline_by_default_answers_streams_and_ends_an_abandoned_stream_as_client_abort()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        await using var node = await StartNodeAsync(simulator);
        await node.SaysAsync("inline socket completions on");

        using (var answer = await node.Client.PostAsync("v1/chat/completions", Json(stream: false)))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("\"finish_reason\":\"stop\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var streamed = await node.Client.PostAsync("v1/chat/completions", Json(stream: true)))
        {
            var text = await streamed.Content.ReadAsStringAsync();
            Assert.Contains("\"finish_reason\":\"stop\"", text, StringComparison.Ordinal);
            Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        }

        var gate = new SimGate("held until the client left");
        simulator.Simulator.DefaultScript = SimScripts.Gated(gate);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(stream: true) })
        using (var held = await node.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new StreamReader(await held.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line && !line.Contains("first", StringComparison.Ordinal))
            {
            }
            Assert.Equal(1, simulator.Simulator.ActiveExchanges);
        } // the client leaves with the upstream still open

        await Eventually.TrueAsync(() => simulator.Simulator.ActiveExchanges == 0 && node.Output.Contains("\"client_abort\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), () => $"not within 20 s: active upstream exchanges {simulator.Simulator.ActiveExchanges}\n{node.Output}");
        gate.Open();
    }

    [Fact]
    public async Task The_environment_turns_inline_completions_off()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        await using var node = await StartNodeAsync(simulator, ("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0"));

        await node.SaysAsync("inline socket completions off");
        using var answer = await node.Client.PostAsync("v1/chat/completions", Json(stream: false));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static Task<NodeProcess> StartNodeAsync(SimulatorServer simulator, params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["LOG_LEVEL"] = "information",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return NodeProcess.StartAsync(environment);
    }

    private static StringContent Json(bool stream)
        => new(Body.Replace("STREAM", stream ? "true" : "false", StringComparison.Ordinal), Encoding.UTF8, "application/json");
}
