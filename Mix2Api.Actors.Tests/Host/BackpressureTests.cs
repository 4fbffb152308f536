using System.Net.Sockets;
using System.Text;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// The graph is pull-based: while the client does not read, the broker stops reading the upstream,
/// so memory stays bounded whatever the length of the stream.
/// </summary>
public sealed class BackpressureTests : IAsyncLifetime
{
    private const int FrameText = 32 * 1024;
    private const int Frames = 3000; // ~96 MB of text: far more than every buffer on the path together
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
    {
        ["SSE_HEARTBEAT_MS"] = "0",
        ["UPSTREAM_IDLE_TIMEOUT_MS"] = "60000",
    });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_client_that_stops_reading_stops_the_upstream_and_then_gets_everything()
    {
        var frame = Encoding.UTF8.GetBytes($"data: {{\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\"{new string('x', FrameText)}\"}}\n\n");
        var steps = new List<SimStep> { new SimStep.Headers(), new SimStep.StartFrame() };
        for (var i = 0; i < Frames; i++) steps.Add(new SimStep.Frame(frame));
        steps.Add(new SimStep.Frame(Encoding.UTF8.GetBytes("data: {\"type\":\"finish\"}\n\n")));
        steps.Add(new SimStep.Done());
        _broker.Upstream.Enqueue(new SimScript("huge", steps));

        // A small client receive buffer (no autotuning): the client holds little, the path must hold the rest.
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 32 * 1024, NoDelay = true };
                await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = _broker.BaseUrl };
        client.DefaultRequestHeaders.Authorization = ChatRequests.Bearer(BrokerHost.InboundToken);
        using var response = await client.SendAsync(ChatRequests.Post(ChatRequests.Body("huge", stream: true)), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long received = 0;
        while (received < 64 * 1024) received += await body.ReadAsync(buffer);

        // The client now reads nothing. Wait (bounded) until the upstream can no longer write.
        var exchange = _broker.Simulator.Simulator.Exchanges.Single();
        var stalledAt = await WaitUntilStalledAsync(exchange);
        var pulledBytes = (long)stalledAt * frame.Length;
        Assert.True(pulledBytes < Frames * (long)frame.Length / 3,
            $"the upstream wrote {pulledBytes / (1 << 20)} MB while the client had read {received / 1024} KB: the broker did not apply backpressure");

        // Resume: everything arrives, intact and complete.
        long contentChars = 0;
        var reader = new StreamReader(body);
        string? line;
        var sawDone = false;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            if (line == "data: [DONE]") sawDone = true;
            var at = line.IndexOf("\"content\":\"", StringComparison.Ordinal);
            if (at >= 0) contentChars += line.AsSpan(at + 11).IndexOf('"');
        }
        Assert.True(sawDone);
        Assert.True(contentChars > (long)(Frames - 4) * FrameText, $"only {contentChars} content chars arrived");
        Assert.Equal("stop", (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    /// <summary>Polls the upstream's progress until it stops moving (with an explicit maximum).</summary>
    private static async Task<int> WaitUntilStalledAsync(SimulatedExchange exchange)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var last = -1;
        var stableFor = 0;
        while (DateTime.UtcNow < deadline)
        {
            var now = exchange.StepsFlushed;
            stableFor = now == last ? stableFor + 1 : 0;
            if (stableFor >= 5) return now;
            last = now;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the upstream never stalled (steps flushed: {exchange.StepsFlushed})");
    }
}
