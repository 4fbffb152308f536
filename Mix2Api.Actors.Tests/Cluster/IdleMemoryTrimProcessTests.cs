using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// MEMORY_TRIM_IDLE_MS through a broker process: after a burst that made the GC commit far more than its heap
/// needs, a quiet node gives that memory back by itself (one <c>memory.trimmed</c> line, the counter, the GC's
/// committed figure back near the heap's).
/// </summary>
public sealed class IdleMemoryTrimProcessTests
{
    [Fact]
    public async Task A_node_that_goes_quiet_after_a_burst_returns_the_memory_the_GC_kept()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["LOG_LEVEL"] = "information",
            ["MEMORY_TRIM_IDLE_MS"] = "500",
            // A 64 MiB gen-0 budget on any machine: after the burst the GC holds that much more than the heap needs
            // (otherwise the budget follows the machine's L3 cache size).
            ["DOTNET_GCgen0size"] = "0x4000000",
        });

        // Requests of 2,000 small messages: parsing them allocates about 1 MiB of small objects each, all in gen 0
        // (large strings would go to the large object heap instead), 100 MiB in all: more than the gen-0 budget.
        var messages = Enumerable.Range(0, 2000).Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content = $"message {i} " + new string('x', 150) }).ToArray();
        var body = JsonSerializer.Serialize(new { model = "mix/qwen-3-235b-instruct", messages });
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
        {
            using var response = await node.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        string? line = null;
        await Eventually.TrueAsync(() => (line = node.Output.Split('\n').SingleOrDefault(l => l.Contains("memory.trimmed", StringComparison.Ordinal))) is not null,
            TimeSpan.FromSeconds(30), () => $"no 'memory.trimmed' line within 30 s:\n{node.Output}");
        Assert.Contains("CommittedBeforeMiB", line, StringComparison.Ordinal);
        var metrics = await node.Client.GetStringAsync("metrics");
        Assert.Equal(1, Value(metrics, "mix2api_memory_trims_total"));
        var committed = Value(metrics, "dotnet_gc_committed_bytes");
        var heap = Value(metrics, "dotnet_gc_heap_size_bytes");
        Assert.True(committed - heap < IdleMemoryTrim.MinSurplusBytes, $"after the trim the GC still holds {committed:N0} bytes for a heap of {heap:N0}");
    }

    private static double Value(string metrics, string name)
    {
        foreach (var line in metrics.Split('\n'))
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
                return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
        return double.NaN;
    }
}
