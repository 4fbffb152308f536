using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// A leave started inside Akka (<c>ctl cluster leave</c> of the node itself) drains as SIGTERM does
/// (<c>ClusterFaultsUnderLoadTests</c> covers SIGTERM): running streams get SHUTDOWN_DRAIN_MS, the longer ones then end
/// with the <c>shutdown</c> error event, and the node exits 0. Before the drain ran as CoordinatedShutdown's first
/// phase, such a leave cut every stream within a second.
/// </summary>
[Collection(TimedProcessTests.Name)]
public sealed class GracefulLeaveTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Ctl_cluster_leave_of_the_node_lets_its_streams_drain_then_the_node_exits_0()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var adminPort = FreePort.Next();
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["SHUTDOWN_DRAIN_MS"] = ((int)Drain.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["ADMIN_HOST"] = "127.0.0.1",
            ["ADMIN_PORT"] = adminPort.ToString(CultureInfo.InvariantCulture),
        });
        var self = (await ClusterChat.HealthAsync(node.Client)).Body.GetProperty("self").GetString()!;
        // Longer than the drain (10 s), and shorter (0.5 s); both open before the leave.
        using var longStream = await OpenStreamAsync(node, "[[sim:long chunks=100 delay_ms=100]]");
        using var shortStream = await OpenStreamAsync(node, "[[sim:long chunks=5 delay_ms=100]]");

        var clock = Stopwatch.StartNew();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        using var leave = await admin.PostAsync("admin/cluster/leave",
            new StringContent(JsonSerializer.Serialize(new { address = self }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, leave.StatusCode);

        var (shortEnd, _) = await ReadToEndAsync(shortStream, clock);
        var (longEnd, longAt) = await ReadToEndAsync(longStream, clock);
        var exit = await node.WaitForExitAsync(Drain + TimeSpan.FromSeconds(30));

        Assert.Equal("finish", shortEnd);
        Assert.Equal("shutdown", longEnd);
        Assert.True(longAt >= Drain, $"the stream was ended {longAt.TotalMilliseconds:F0} ms after the leave, before the {Drain.TotalMilliseconds:F0} ms drain");
        Assert.Equal(0, exit);
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(NodeProcess node, string text)
    {
        using var request = ChatRequests.Post(ChatRequests.Body(text, stream: true));
        var response = await node.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>How the stream ended (<c>finish</c>, or the error event's code) and when its last event came.</summary>
    private static async Task<(string End, TimeSpan At)> ReadToEndAsync(HttpResponseMessage response, Stopwatch clock)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string end = "cut";
        var at = TimeSpan.Zero;
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (line == "data: [DONE]")
            {
                done = true;
                continue;
            }
            using var json = JsonDocument.Parse(line["data: ".Length..]);
            if (json.RootElement.TryGetProperty("error", out var error))
            {
                end = error.GetProperty("code").GetString() ?? "error";
                at = clock.Elapsed;
            }
            else if (json.RootElement.GetProperty("choices")[0].TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
            {
                end = "finish";
                at = clock.Elapsed;
            }
        }
        return (done ? end : end + " without [DONE]", at);
    }
}
