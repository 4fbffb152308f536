using System.Net;
using System.Text;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// Upstream faults seen by an Anthropic caller: before the first byte an HTTP status with Anthropic's error
/// envelope; after it, one <c>event: error</c> and no <c>message_stop</c> — never a fake <c>end_turn</c>.
/// The end_reason is the one the OpenAI route would record for the same fault.
/// </summary>
public sealed class AnthropicChaosTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
    {
        ["UPSTREAM_IDLE_TIMEOUT_MS"] = "1000",
        ["UPSTREAM_FIRST_BYTE_TIMEOUT_MS"] = "1000",
        ["SSE_HEARTBEAT_MS"] = "0",
    });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(HttpResponseMessage Response, string Body, string EndReason)> SendAsync(SimScript script, bool stream)
    {
        _broker.Upstream.Enqueue(script);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent(AnthropicMessagesEndpointTests.Body("chaos", stream), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", BrokerHost.InboundToken);
        var response = await _broker.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response, body, (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    private static JsonElement StreamError(string body)
    {
        var t = AnthropicTranscript.Parse(body);
        Assert.Equal("error", t.Events[^1].Name);
        Assert.DoesNotContain("message_stop", t.Names);
        Assert.Null(t.StopReason);
        return t.Error!.Value;
    }

    private static JsonElement Envelope(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        return root.GetProperty("error");
    }

    public static TheoryData<string, string, string> MidStreamFaults => new()
    {
        { "error", "upstream_error", "Upstream error: boom" },
        { "abort", "upstream_error", "Upstream aborted the response" },
        { "drop", "upstream_error", "Upstream connection failed mid-response" },
        { "truncated", "upstream_error", "Upstream response ended before it was complete" },
        { "stall", "timeout", "Upstream timeout (idle)" },
        { "badline", "adapter_error", "Upstream sent data the adapter cannot read: a data line was not JSON" },
    };

    [Theory]
    [MemberData(nameof(MidStreamFaults))]
    public async Task A_fault_after_the_first_byte_is_one_error_event_never_end_turn(string fault, string endReason, string message)
    {
        var script = fault switch
        {
            "error" => SimScripts.ErrorFrame("boom"),
            "abort" => SimScripts.AbortFrame(),
            "drop" => SimScripts.DropMidStream(),
            "truncated" => SimScripts.Truncated(),
            "stall" => SimScripts.StallAfterFirstChunk(),
            _ => SimScripts.NonJsonLine(),
        };
        var (response, body, reason) = await SendAsync(script, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(endReason, reason);
        var error = StreamError(body);
        Assert.Equal("api_error", error.GetProperty("type").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(500, 502, "upstream_error", "api_error")]
    [InlineData(503, 502, "upstream_error", "api_error")]
    [InlineData(401, 502, "upstream_auth_error", "api_error")]
    [InlineData(429, 429, "rate_limited", "rate_limit_error")]
    public async Task Upstream_statuses_stay_gateway_safe_with_the_anthropic_error_type(int upstream, int status, string endReason, string type)
    {
        foreach (var stream in new[] { false, true })
        {
            var (response, body, reason) = await SendAsync(SimScripts.Status(upstream, retryAfter: upstream == 429 ? "7" : null), stream);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(endReason, reason);
            Assert.Equal(type, Envelope(body).GetProperty("type").GetString());
            if (upstream == 429) Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        }
    }

    [Fact]
    public async Task A_silent_upstream_is_504_before_the_first_byte()
    {
        var (response, body, reason) = await SendAsync(new SimScript("silent", new SimStep.Delay(TimeSpan.FromSeconds(20))), stream: true);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", reason);
        Assert.Equal("Upstream timeout (first byte)", Envelope(body).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_mid_stream_fault_of_a_non_stream_request_is_a_502_envelope()
    {
        var (response, body, reason) = await SendAsync(SimScripts.DropMidStream(), stream: false);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", reason);
        Assert.Equal("api_error", Envelope(body).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Overload_is_503_overloaded_error_with_retry_after()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["MAX_CONCURRENT_REQUESTS"] = "1" });
        var gate = new SimGate();
        broker.Upstream.Enqueue(SimScripts.Gated(gate));
        using var first = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent(AnthropicMessagesEndpointTests.Body("one", stream: true), Encoding.UTF8, "application/json"),
        };
        first.Headers.Add("x-api-key", BrokerHost.InboundToken);
        using var running = await broker.Client.SendAsync(first, HttpCompletionOption.ResponseHeadersRead);
        await gate.WhenReached.WaitAsync(TimeSpan.FromSeconds(15));

        using var second = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent(AnthropicMessagesEndpointTests.Body("two"), Encoding.UTF8, "application/json"),
        };
        second.Headers.Add("x-api-key", BrokerHost.InboundToken);
        using var refused = await broker.Client.SendAsync(second);
        gate.Open();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("overloaded_error", Envelope(await refused.Content.ReadAsStringAsync()).GetProperty("type").GetString());
        Assert.Equal("overloaded", (await broker.CompletedAsync(ChatRequests.RequestId(refused))).EndReason);
    }
}
