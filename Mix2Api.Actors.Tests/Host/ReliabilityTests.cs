using System.Net;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>Retries before the first byte, admission control, heartbeats, early flush and graceful shutdown.</summary>
public sealed class ReliabilityTests
{
    [Fact]
    public async Task Retries_a_503_before_the_first_byte_but_never_a_4xx()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_RETRY_COUNT"] = "2",
            ["UPSTREAM_RETRY_BASE_MS"] = "1",
        });
        broker.Upstream.Enqueue(SimScripts.Status(503));
        broker.Upstream.Enqueue(SimScripts.ShortAnswer("second time lucky"));
        var ok = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("retry")));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("second time lucky", await ok.Content.ReadAsStringAsync());
        Assert.Equal(2, broker.Upstream.ChatRequestCount);

        broker.Upstream.Enqueue(SimScripts.Status(400));
        broker.Upstream.Enqueue(SimScripts.ShortAnswer("must not be reached"));
        var bad = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("no retry")));
        Assert.Equal(HttpStatusCode.BadGateway, bad.StatusCode);
        Assert.Equal(3, broker.Upstream.ChatRequestCount);
    }

    [Fact]
    public async Task Above_max_concurrent_requests_a_request_gets_503_with_retry_after()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["MAX_CONCURRENT_REQUESTS"] = "1" });
        var gate = new SimGate();
        broker.Upstream.Enqueue(SimScripts.Gated(gate));
        var first = broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hold", stream: true)), HttpCompletionOption.ResponseHeadersRead);
        await gate.WhenReached.WaitAsync(TimeSpan.FromSeconds(10));

        var second = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("refused")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal("overloaded", (await broker.CompletedAsync(ChatRequests.RequestId(second))).EndReason);

        gate.Open();
        using var firstResponse = await first;
        Assert.Contains("[DONE]", await firstResponse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task First_chunk_reaches_the_client_while_the_upstream_is_still_paused()
    {
        await using var broker = await BrokerHost.StartAsync();
        var gate = new SimGate();
        broker.Upstream.Enqueue(SimScripts.Gated(gate, first: "early ", second: "late"));
        using var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("flush", stream: true)),
            HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("early ")) { }
        Assert.NotNull(line);
        Assert.False(gate.IsOpen);
        gate.Open();
        Assert.Contains("late", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Keep_alive_comments_flow_while_the_upstream_is_silent()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["SSE_HEARTBEAT_MS"] = "50" });
        var gate = new SimGate();
        broker.Upstream.Enqueue(SimScripts.Gated(gate));
        using var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("quiet", stream: true)),
            HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var comments = 0;
        string? line;
        while (comments < 2 && (line = await reader.ReadLineAsync()) is not null)
            if (line == ": keep-alive") comments++;
        Assert.Equal(2, comments);
        gate.Open();
        var (data, _) = ChatRequests.ParseSse(await reader.ReadToEndAsync());
        Assert.Equal("[DONE]", data[^1]);
    }

    [Fact]
    public async Task Shutdown_ends_a_running_stream_with_the_error_event_not_silence()
    {
        var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["SHUTDOWN_DRAIN_MS"] = "100" });
        var gate = new SimGate();
        broker.Upstream.Enqueue(SimScripts.Gated(gate));
        using var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("long", stream: true), requestId: "shutdown-1"),
            HttpCompletionOption.ResponseHeadersRead);
        await gate.WhenReached.WaitAsync(TimeSpan.FromSeconds(10));
        var body = response.Content.ReadAsStringAsync();
        var completed = broker.CompletedAsync("shutdown-1");
        await broker.DisposeAsync();

        var (data, _) = ChatRequests.ParseSse(await body);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal("shutdown", JsonDocument.Parse(data[^2]).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("shutdown", (await completed).EndReason);
    }
}
