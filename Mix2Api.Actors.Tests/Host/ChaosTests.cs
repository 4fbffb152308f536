using System.Net;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// One test per upstream fault: each asserts the exact (end_reason, HTTP status or terminal SSE event)
/// pair, and where the broker is the one that leaves (timeouts, client aborts), that the simulator saw
/// the upstream connection close within 1 s.
/// </summary>
public sealed class ChaosTests : IAsyncLifetime
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(1);
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
    {
        // Short enough to keep the suite quick, long enough for a loaded 2-core machine.
        ["UPSTREAM_IDLE_TIMEOUT_MS"] = "1000",
        ["UPSTREAM_FIRST_BYTE_TIMEOUT_MS"] = "1000",
        ["SSE_HEARTBEAT_MS"] = "0",
    });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(HttpResponseMessage Response, string Body, string EndReason)> SendAsync(SimScript script, bool stream)
    {
        _broker.Upstream.Enqueue(script);
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("chaos", stream)));
        var body = await response.Content.ReadAsStringAsync();
        var completed = await _broker.CompletedAsync(ChatRequests.RequestId(response));
        return (response, body, completed.EndReason);
    }

    private static JsonElement TerminalError(string sseBody)
    {
        var (data, _) = ChatRequests.ParseSse(sseBody);
        Assert.Equal("[DONE]", data[^1]);
        Assert.DoesNotContain(data, d => d.Contains("\"finish_reason\":\"stop\""));
        return JsonDocument.Parse(data[^2]).RootElement.GetProperty("error");
    }

    private static JsonElement ErrorEnvelope(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error");

    [Fact]
    public async Task Stall_after_first_chunk_ends_stream_with_timeout_event_and_closes_upstream()
    {
        var (response, body, endReason) = await SendAsync(SimScripts.StallAfterFirstChunk(), stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("timeout", endReason);
        Assert.Equal("upstream_timeout", TerminalError(body).GetProperty("code").GetString());
        Assert.Contains(SimScripts.PartialText, body);
        var exchange = _broker.Simulator.Simulator.Exchanges.Single();
        var end = await exchange.WhenEnded.WaitAsync(CloseWithin);
        Assert.True(end.PeerClosed);
    }

    [Fact]
    public async Task Stall_before_any_byte_is_a_504_for_non_stream()
    {
        var (response, body, endReason) = await SendAsync(new SimScript("late", new SimStep.Delay(TimeSpan.FromSeconds(30))), stream: false);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", endReason);
        Assert.Equal("upstream_timeout", ErrorEnvelope(body).GetProperty("code").GetString());
        var end = await _broker.Simulator.Simulator.Exchanges.Single().WhenEnded.WaitAsync(CloseWithin);
        Assert.True(end.PeerClosed);
    }

    [Fact]
    public async Task Stall_before_any_byte_is_a_504_for_stream_too()
    {
        var (response, _, endReason) = await SendAsync(new SimScript("late", new SimStep.Delay(TimeSpan.FromSeconds(30))), stream: true);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("timeout", endReason);
    }

    [Fact]
    public async Task Drop_mid_stream_ends_with_upstream_error_event()
    {
        // The drop waits until the client has the first chunk: a reset can otherwise discard unread data.
        var gate = new SimGate("first chunk delivered");
        _broker.Upstream.Enqueue(new SimScript("drop-after-first-chunk",
            new SimStep.Headers(), new SimStep.StartFrame(), new SimStep.TextDeltas(SimScripts.PartialText),
            new SimStep.WaitGate(gate), new SimStep.Drop()));
        using var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("chaos", stream: true)),
            HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[4096];
        Assert.True(await stream.ReadAsync(first) > 0);
        gate.Open();
        var body = System.Text.Encoding.UTF8.GetString(first).TrimEnd('\0') + await new StreamReader(stream).ReadToEndAsync();
        var endReason = (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream_error", endReason);
        Assert.Equal("upstream_error", TerminalError(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Drop_mid_stream_is_a_502_for_non_stream()
    {
        var (response, body, endReason) = await SendAsync(SimScripts.DropMidStream(), stream: false);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", endReason);
        Assert.Equal("upstream_error", ErrorEnvelope(body).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(401, 502, "upstream_auth_error", "upstream_auth_error")]
    [InlineData(403, 502, "upstream_auth_error", "upstream_auth_error")]
    [InlineData(429, 429, "rate_limited", "rate_limit_exceeded")]
    [InlineData(500, 502, "upstream_error", "upstream_error")]
    [InlineData(503, 502, "upstream_error", "upstream_error")]
    public async Task Upstream_http_errors_map_to_gateway_safe_statuses(int upstream, int status, string endReason, string code)
    {
        foreach (var stream in new[] { false, true })
        {
            var (response, body, reason) = await SendAsync(SimScripts.Status(upstream, retryAfter: upstream == 429 ? "7" : null), stream);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(endReason, reason);
            Assert.Equal(code, ErrorEnvelope(body).GetProperty("code").GetString());
            Assert.DoesNotContain(SimScripts.DefaultErrorMessage, body);
            if (upstream == 429) Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        }
    }

    [Fact]
    public async Task Error_frame_after_text_ends_stream_with_error_event()
    {
        var (_, body, endReason) = await SendAsync(SimScripts.ErrorFrame("boom"), stream: true);
        Assert.Equal("upstream_error", endReason);
        var error = TerminalError(body);
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
        Assert.Contains("boom", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Abort_frame_ends_with_upstream_error()
    {
        var (_, body, endReason) = await SendAsync(SimScripts.AbortFrame(), stream: true);
        Assert.Equal("upstream_error", endReason);
        Assert.Equal("upstream_error", TerminalError(body).GetProperty("code").GetString());
        var (response, _, reason) = await SendAsync(SimScripts.AbortFrame(), stream: false);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", reason);
    }

    [Fact]
    public async Task Non_json_data_line_is_an_adapter_error_by_default()
    {
        var (_, body, endReason) = await SendAsync(SimScripts.NonJsonLine(), stream: true);
        Assert.Equal("adapter_error", endReason);
        Assert.NotNull(TerminalError(body).GetProperty("message").GetString());
        Assert.DoesNotContain("this is not json", body);
    }

    [Fact]
    public async Task Truncated_stream_is_never_reported_as_complete()
    {
        var (_, body, endReason) = await SendAsync(SimScripts.Truncated(), stream: true);
        Assert.Equal("upstream_error", endReason);
        Assert.Equal("upstream_error", TerminalError(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Slow_drip_within_idle_timeout_completes_intact()
    {
        var (response, body, endReason) = await SendAsync(SimScripts.SlowDrip(TimeSpan.FromMilliseconds(5), "drip drip"), stream: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stop", endReason);
        Assert.Equal("drip drip", JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Client_abort_mid_stream_is_client_abort_and_closes_upstream_within_a_second()
    {
        _broker.Upstream.Enqueue(SimScripts.StallAfterFirstChunk(keepAlive: true));
        // No drain on dispose: the client really leaves, as an agent does when the user cancels.
        using var broker = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = _broker.BaseUrl };
        broker.DefaultRequestHeaders.Authorization = ChatRequests.Bearer(BrokerHost.InboundToken);
        var request = ChatRequests.Post(ChatRequests.Body("leave early", stream: true), requestId: "chaos-abort-1");
        var response = await broker.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256];
        Assert.True(await stream.ReadAsync(buffer) > 0);
        var exchange = _broker.Simulator.Simulator.Exchanges.Single();
        response.Dispose();
        broker.Dispose();

        var end = await exchange.WhenEnded.WaitAsync(CloseWithin);
        Assert.True(end.PeerClosed);
        Assert.Equal("client_abort", (await _broker.CompletedAsync("chaos-abort-1")).EndReason);
    }

    [Fact]
    public async Task Client_abort_of_non_stream_request_cancels_upstream()
    {
        _broker.Upstream.Enqueue(SimScripts.StallAfterFirstChunk(keepAlive: true));
        using var broker = new HttpClient { BaseAddress = _broker.BaseUrl };
        broker.DefaultRequestHeaders.Authorization = ChatRequests.Bearer(BrokerHost.InboundToken);
        using var cts = new CancellationTokenSource();
        var pending = broker.SendAsync(ChatRequests.Post(ChatRequests.Body("wait", stream: false), requestId: "chaos-abort-2"), cts.Token);
        var exchange = await _broker.Upstream.NextExchangeAsync();
        await exchange.WhenStepFlushed(0);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        var end = await exchange.WhenEnded.WaitAsync(CloseWithin);
        Assert.True(end.PeerClosed);
        Assert.Equal("client_abort", (await _broker.CompletedAsync("chaos-abort-2")).EndReason);
    }
}
