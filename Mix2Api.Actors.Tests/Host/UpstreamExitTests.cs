using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Exits the simulator cannot play, produced for real through the broker: an upstream nobody listens on, an
/// upstream that never accepts the connection, and a total deadline that ends a stream that is still flowing.
/// Each asserts the exact (exit, end_reason, status or terminal event).
/// </summary>
public sealed class UpstreamExitTests
{
    private static async Task<(HttpResponseMessage Response, string Body, Mix2Api.Host.Diagnostics.RequestCompleted Completed)> SendAsync(
        BrokerHost broker, bool stream)
    {
        var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("exit", stream)));
        var body = await response.Content.ReadAsStringAsync();
        return (response, body, await broker.CompletedAsync(ChatRequests.RequestId(response)));
    }

    private static string ErrorCode(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString()!;

    [Fact]
    public async Task An_upstream_port_nobody_listens_on_is_connect_failed_502()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["UPSTREAM_API_BASE"] = $"http://127.0.0.1:{port}" });
        foreach (var stream in new[] { false, true })
        {
            var (response, body, completed) = await SendAsync(broker, stream);
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream_error", ErrorCode(body));
            Assert.Equal("UpstreamConnectFailed", completed.Exit);
            Assert.Equal("upstream_error", completed.EndReason);
        }
    }

    [Fact]
    public async Task An_upstream_that_never_accepts_the_connection_is_connect_timed_out_504()
    {
        // A listener with a full accept queue: the kernel drops further SYNs, so connecting hangs until the connect timeout.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var connect = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    await filler.ConnectAsync(IPAddress.Loopback, port, connect.Token);
                }
                catch (OperationCanceledException)
                {
                    break; // the queue is full: this is what the broker will meet
                }
            }
            await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
            {
                ["UPSTREAM_API_BASE"] = $"http://127.0.0.1:{port}",
                ["UPSTREAM_CONNECT_TIMEOUT_MS"] = "300",
                ["UPSTREAM_TIMEOUT_MS"] = "20000",
            });
            var (response, body, completed) = await SendAsync(broker, stream: true);
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("upstream_timeout", ErrorCode(body));
            Assert.Contains("connect", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString());
            Assert.Equal("UpstreamConnectTimedOut", completed.Exit);
            Assert.Equal("timeout", completed.EndReason);
        }
        finally
        {
            foreach (var filler in fillers) filler.Dispose();
        }
    }

    [Fact]
    public async Task The_total_deadline_ends_a_stream_that_is_still_flowing_with_the_timeout_event()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_TOTAL_TIMEOUT_MS"] = "700",
            ["UPSTREAM_TIMEOUT_MS"] = "20000",
            ["SSE_HEARTBEAT_MS"] = "0",
        });
        // 200 chunks 20 ms apart: never idle, never finished within the total deadline.
        broker.Upstream.Enqueue(SimScripts.LongAnswer(200, TimeSpan.FromMilliseconds(20)));
        var (response, body, completed) = await SendAsync(broker, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (data, _) = ChatRequests.ParseSse(body);
        Assert.Equal("[DONE]", data[^1]);
        var error = JsonDocument.Parse(data[^2]).RootElement.GetProperty("error");
        Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
        Assert.Equal("Upstream timeout (total)", error.GetProperty("message").GetString());
        Assert.Equal("TotalTimedOut", completed.Exit);
        Assert.Equal("timeout", completed.EndReason);
        var exchange = broker.Simulator.Simulator.Exchanges.Single();
        Assert.True((await exchange.WhenEnded.WaitAsync(TimeSpan.FromSeconds(5))).PeerClosed);
    }
}
