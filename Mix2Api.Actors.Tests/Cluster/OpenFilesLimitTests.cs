using System.Net;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// A node whose open-files limit cannot carry more streams refuses the newcomers with 503 and keeps
/// serving the rest; it never runs out of descriptors and aborts (which would lose every open stream).
/// </summary>
public sealed class OpenFilesLimitTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData(100L, 1)]
    [InlineData(1256L, 452)]
    [InlineData(20000L, 9824)]
    public void The_budget_is_two_descriptors_per_request_after_a_reserve(long? limit, int? expected)
        => Assert.Equal(expected, FileDescriptorBudget.MaxRequests(limit));

    [Fact]
    public async Task A_node_at_its_descriptor_budget_answers_503_and_survives()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var gate = new SimGate("hold all streams open");
        simulator.Simulator.DefaultScript = SimScripts.Gated(gate);
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["SESSION_KEY_MODE"] = "model",
        }, openFilesLimit: 400);
        var budget = FileDescriptorBudget.MaxRequests(400)!.Value;

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = node.BaseUrl };
        client.DefaultRequestHeaders.Authorization = ChatRequests.Bearer(BrokerHost.InboundToken);
        var attempts = Enumerable.Range(0, budget + 20).Select(_ =>
            client.SendAsync(ChatRequests.Post(ChatRequests.Body("hold", stream: true)), HttpCompletionOption.ResponseHeadersRead)).ToList();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(budget, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable));
        gate.Open();
        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            Assert.EndsWith("data: [DONE]\n\n", await ok.Content.ReadAsStringAsync());
        Assert.False(node.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
        foreach (var r in responses) r.Dispose();
    }
}
