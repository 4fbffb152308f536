using System.Net;
using System.Text;
using System.Text.Json;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c> on the wire (raw HTTP): Anthropic auth headers, the error envelope, the exact
/// event stream, the shared session/report/metrics machinery, count_tokens and the Anthropic model list.
/// </summary>
public sealed class AnthropicMessagesEndpointTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["BODY_SIZE_LIMIT"] = "4kb",
            ["MODEL_LIST"] = "mix/claude-sonnet-4-5,mix/qwen-3-235b-instruct",
            ["SSE_HEARTBEAT_MS"] = "100",
        });
        _client = new HttpClient { BaseAddress = _broker.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    internal static string Body(string text, bool stream = false, string extra = "")
        => JsonSerializer.Serialize(new { model = "claude-opus-5-5", max_tokens = 1024, stream, messages = new[] { new { role = "user", content = text } } })
            .TrimEnd('}') + extra + "}";

    private HttpRequestMessage Post(string json, string path = "v1/messages?beta=true", string? key = BrokerHost.InboundToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.TryAddWithoutValidation("User-Agent", "claude-cli/2.1.328 (external, sdk-cli)");
        if (key is not null) request.Headers.Add("x-api-key", key);
        return request;
    }

    private async Task<(HttpResponseMessage Response, string Body, RequestCompleted Completed)> SendAsync(HttpRequestMessage request)
    {
        var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response, body, await _broker.CompletedAsync(ChatRequests.RequestId(response)));
    }

    private static JsonElement Envelope(string body, string type)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        var error = root.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        return error;
    }

    [Fact]
    public async Task A_streamed_answer_is_the_anthropic_event_grammar_and_is_reported_as_anthropic_claude_code()
    {
        var (response, body, completed) = await SendAsync(Post(Body("hi [[sim:short text=\"Hello from the simulator.\" chunks=3]]", stream: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("sess-", response.Headers.GetValues("x-session-id").Single());
        var t = AnthropicTranscript.Parse(body);
        Assert.Equal("Hello from the simulator.", t.Text);
        Assert.Equal("end_turn", t.StopReason);
        Assert.Equal("claude-opus-5-5", t.Message.GetProperty("model").GetString());
        Assert.Equal("message_stop", t.Events[^1].Name);

        Assert.Equal("anthropic", completed.Api);
        Assert.Equal("claude-code", completed.Client);
        Assert.Equal("stop", completed.EndReason);
        Assert.Equal("true", completed.Stream);
        Assert.Equal("/v1/messages", completed.Path);
        var metrics = await _client.GetStringAsync("metrics");
        Assert.Contains("client=\"claude-code\",stream=\"true\",tools_present=\"false\",end_reason=\"stop\",http_status=\"200\","
            + "upstream_status=\"200\",channel=\"stable\",api=\"anthropic\"}", metrics);
    }

    [Fact]
    public async Task A_non_stream_answer_is_one_message_object()
    {
        var (response, body, completed) = await SendAsync(Post(Body("hi [[sim:short text=\"Plain.\"]]")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonDocument.Parse(body).RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("Plain.", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal("false", completed.Stream);
    }

    [Fact]
    public async Task A_tool_call_streams_as_a_tool_use_block_whose_input_deltas_are_the_arguments()
    {
        const string args = "{\"file_path\":\"/srv/a.txt\",\"limit\":5}";
        var json = Body("[[sim:tool name=Read args=" + args + " chunk=3]]", stream: true,
            extra: ",\"tools\":[{\"name\":\"Read\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"file_path\":{\"type\":\"string\"}}}}]");
        var (_, body, completed) = await SendAsync(Post(json));

        var t = AnthropicTranscript.Parse(body);
        var call = Assert.Single(t.ToolUses);
        Assert.StartsWith("toolu_", call.Id);
        Assert.Equal("Read", call.Name);
        Assert.Equal(args, call.Text.ToString());
        Assert.Equal("tool_use", t.StopReason);
        Assert.Equal("tool_calls", completed.EndReason);
        Assert.Equal("true", completed.ToolsPresent);
    }

    [Fact]
    public async Task Idle_streams_get_ping_events()
    {
        var gate = new SimGate();
        _broker.Upstream.Enqueue(SimScripts.Gated(gate, "first ", "second"));
        using var request = Post(Body("no directive", stream: true));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            seen.Append(line).Append('\n');
            if (line == "event: ping" && !gate.IsOpen) gate.Open();
        }
        var t = AnthropicTranscript.Parse(seen.ToString());
        Assert.True(t.Pings >= 1);
        Assert.Equal("first second", t.Text);
    }

    // Anthropic's API always opens with message_start and SDKs rely on it: an upstream that answered but is slow to its
    // first token must not get a ping (or anything else) out before it.
    [Fact]
    public async Task A_slow_first_token_gets_message_start_before_any_ping()
    {
        var gate = new SimGate();
        _broker.Upstream.Enqueue(new SimScript("slow-first-token", SimScripts.Answer(null, new SimStep.WaitGate(gate), new SimStep.TextDeltas("late"))));
        var t = AnthropicTranscript.Parse(await ReadOpeningGateOnPingAsync(gate));
        Assert.Equal("message_start", t.Names.First());
        Assert.True(t.Pings >= 1);
        Assert.Equal("late", t.Text);
        Assert.Equal("end_turn", t.StopReason);
    }

    // Found with the one above: a stream that failed after such a ping ended without any event a client could read.
    [Fact]
    public async Task A_stream_that_fails_after_a_ping_ends_with_an_error_event()
    {
        var gate = new SimGate();
        _broker.Upstream.Enqueue(new SimScript("answered-then-dropped", [new SimStep.StartFrame(), SimFrames.StartStep, new SimStep.WaitGate(gate), new SimStep.Drop()]));
        var t = AnthropicTranscript.Parse(await ReadOpeningGateOnPingAsync(gate));
        Assert.Equal("message_start", t.Names.First());
        Assert.Equal("api_error", t.Error?.GetProperty("type").GetString());
        Assert.Equal("error", t.Names.Last());
    }

    private async Task<string> ReadOpeningGateOnPingAsync(SimGate gate)
    {
        using var request = Post(Body("no directive", stream: true));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            seen.Append(line).Append('\n');
            if (line == "event: ping" && !gate.IsOpen) gate.Open();
        }
        return seen.ToString();
    }

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("authorization")]
    public async Task The_inbound_key_is_accepted_as_x_api_key_or_bearer(string header)
    {
        using var request = Post(Body("hi"), key: null);
        if (header == "x-api-key") request.Headers.Add("x-api-key", BrokerHost.InboundToken);
        else request.Headers.Authorization = ChatRequests.Bearer(BrokerHost.InboundToken);
        var (response, _, _) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "Missing authorization header")]
    [InlineData("wrong-key", "Invalid inbound token")]
    public async Task A_wrong_or_missing_key_is_401_authentication_error_in_the_anthropic_envelope(string? key, string message)
    {
        var (response, body, completed) = await SendAsync(Post(Body("hi"), key: key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(message, Envelope(body, "authentication_error").GetProperty("message").GetString());
        Assert.Equal("auth_error", completed.EndReason);
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[]}", "messages: at least one message is required")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"http://x\"}}]}]}",
        "messages.0.content.0: content blocks of type 'image' are not supported by this server (text, tool_use and tool_result only)")]
    [InlineData("{\"model\":", "Invalid JSON body")]
    public async Task Invalid_requests_are_400_invalid_request_error_and_reach_no_upstream(string json, string message)
    {
        var (response, body, completed) = await SendAsync(Post(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, Envelope(body, "invalid_request_error").GetProperty("message").GetString());
        Assert.Equal("invalid_request", completed.EndReason);
        Assert.Equal("anthropic", completed.Api);
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);
    }

    [Fact]
    public async Task An_oversized_body_is_413_request_too_large()
    {
        var (response, body, _) = await SendAsync(Post(Body(new string('x', 6000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Envelope(body, "request_too_large");
    }

    [Fact]
    public async Task Count_tokens_answers_input_tokens_without_calling_the_upstream()
    {
        var (response, body, completed) = await SendAsync(Post(Body("你好世界 hello world"), "v1/messages/count_tokens"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, JsonDocument.Parse(body).RootElement.GetProperty("input_tokens").GetInt32());
        Assert.Equal("anthropic", completed.Api);
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);

        var (denied, deniedBody, _) = await SendAsync(Post(Body("x"), "v1/messages/count_tokens", key: "nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Envelope(deniedBody, "authentication_error");
    }

    [Fact]
    public async Task Models_are_listed_in_the_anthropic_shape_when_anthropic_version_is_sent()
    {
        using var anthropic = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        anthropic.Headers.Add("anthropic-version", "2023-06-01");
        var list = JsonDocument.Parse(await (await _client.SendAsync(anthropic)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["mix/claude-sonnet-4-5", "mix/qwen-3-235b-instruct"], list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.All(list.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("type").GetString()));
        Assert.False(list.GetProperty("has_more").GetBoolean());
        Assert.Equal("mix/claude-sonnet-4-5", list.GetProperty("first_id").GetString());

        var openAi = JsonDocument.Parse(await _client.GetStringAsync("v1/models")).RootElement;
        Assert.Equal("list", openAi.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Models_behind_the_inbound_key_refuse_in_the_envelope_of_the_callers_api()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["MODELS_REQUIRE_AUTH"] = "true" });
        using var client = new HttpClient { BaseAddress = broker.BaseUrl };

        using var anthropic = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        anthropic.Headers.Add("anthropic-version", "2023-06-01");
        var denied = await client.SendAsync(anthropic);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Envelope(await denied.Content.ReadAsStringAsync(), "authentication_error");

        var openAiDenied = await client.GetAsync("v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, openAiDenied.StatusCode);
        Assert.Equal("unauthorized", JsonDocument.Parse(await openAiDenied.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        allowed.Headers.Add("anthropic-version", "2023-06-01");
        allowed.Headers.Add("x-api-key", BrokerHost.InboundToken);
        var list = JsonDocument.Parse(await (await client.SendAsync(allowed)).Content.ReadAsStringAsync()).RootElement;
        Assert.False(list.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task Wrong_paths_and_methods_under_v1_messages_get_the_anthropic_envelope()
    {
        var (notFound, notFoundBody, _) = await SendAsync(Post(Body("x"), "v1/messages/batches"));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Envelope(notFoundBody, "not_found_error");

        using var get = new HttpRequestMessage(HttpMethod.Get, "v1/messages");
        var (wrongMethod, wrongMethodBody, _) = await SendAsync(get);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Envelope(wrongMethodBody, "invalid_request_error");
    }

    [Fact]
    public async Task The_openai_route_keeps_the_openai_envelope()
    {
        var response = await _client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi")));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("unauthorized", error.GetProperty("code").GetString());
        Assert.Equal("openai", (await _broker.CompletedAsync(ChatRequests.RequestId(response))).Api);
    }
}
