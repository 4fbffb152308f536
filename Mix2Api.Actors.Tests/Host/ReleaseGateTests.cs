using Mix2Api.Host.Gate;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>FR38: the release gate passes against a healthy node (on the simulator) and fails, non-zero, against a broken one.</summary>
public sealed class ReleaseGateTests
{
    private static async Task<(int Exit, string Out, string Err)> GateAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await GateApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Gate_passes_packs_a_b_and_c_against_a_healthy_node()
    {
        await using var broker = await BrokerHost.StartAsync();
        // The test broker's simulator is a separate server (UPSTREAM_API_BASE), so /health says "configured": name it.
        var (exit, output, error) = await GateAsync("--url", broker.BaseUrl.ToString(), "--key", BrokerHost.InboundToken, "--simulator");
        Assert.True(exit == 0, output + error);
        foreach (var pack in new[] { "│ A ", "│ B ", "│ C " }) Assert.Contains(pack, output);
        Assert.DoesNotContain("FAIL", output);
        Assert.Contains("all 6 checks passed", output);
        Assert.DoesNotContain(BrokerHost.InboundToken, output);
    }

    [Fact]
    public async Task Gate_fails_with_a_non_zero_exit_when_the_upstream_is_broken()
    {
        // Every chat request fails upstream: the node answers, the packs do not pass.
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_API_BASE"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["UPSTREAM_CONNECT_TIMEOUT_MS"] = "2000",
        });
        var (exit, output, _) = await GateAsync("--url", broker.BaseUrl.ToString(), "--key", BrokerHost.InboundToken, "--json", "--timeout", "10");
        Assert.Equal(1, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("passed").GetBoolean());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("pack").GetString() == "A" && !c.GetProperty("passed").GetBoolean());
        Assert.Contains(checks, c => c.GetProperty("pack").GetString() == "B" && !c.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Gate_without_a_reachable_node_or_a_key_is_one_line_and_exit_2()
    {
        var unreachable = await GateAsync("--url", $"http://127.0.0.1:{FreePort.Next()}", "--key", "k", "--timeout", "5");
        Assert.Equal(2, unreachable.Exit);
        Assert.StartsWith("gate: cannot ask", unreachable.Err);
        Environment.SetEnvironmentVariable("GATE_KEY", null);
        var noKey = await GateAsync("--url", "http://127.0.0.1:1");
        Assert.Equal(2, noKey.Exit);
        Assert.StartsWith("gate: --key", noKey.Err);
    }
}
