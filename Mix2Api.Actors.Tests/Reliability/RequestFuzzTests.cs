using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mix2Api.Tests.Anthropic;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// <see cref="RequestFuzzer"/>'s property on both chat routes: whatever body and headers a client sends, a complete
/// answer or a 4xx in the route's error envelope (OpenAI's <c>{"error":{…}}</c> on <c>/v1/chat/completions</c>,
/// Anthropic's <c>{"type":"error","error":{"type","message"}}</c> on <c>/v1/messages</c>), never a 500, a crash or a hang.
/// <c>/v1/messages/count_tokens</c> gets the same bodies. Anthropic seeds: system as string and blocks, text/tool_use/tool_result/image/thinking blocks, tools, every
/// tool_choice, stream or not, max_tokens, stop_sequences, metadata.
/// </summary>
public sealed class RequestFuzzTests
{
    private static readonly FuzzedApi ChatCompletions = new(
        Path: "v1/chat/completions",
        Fields:
        [
            "model", "messages", "stream", "stream_options", "tools", "tool_choice", "functions", "function_call", "max_tokens",
            "max_completion_tokens", "temperature", "n", "user", "session_id", "exchange_id", "persona_id", "metadata", "stop",
            "response_format", "parallel_tool_calls",
        ],
        InnerNames: ["role", "content", "type", "function", "name", "arguments", "parameters", "text", "include_usage", "tool_call_id"],
        Words: ["user", "assistant", "tool", "function", "auto", "none", "required", ""],
        Seeds: ["""{"model":"mix/qwen-3-235b-instruct","stream":true,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"},{"role":"assistant","content":"hi","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"},{"role":"user","content":[{"type":"text","text":"again"}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","max_tokens":100}"""],
        Messages:
        [
            """{"role":"system","content":"be brief"}""", """{"role":"developer","content":"dev"}""", """{"role":"user","content":"hello"}""",
            """{"role":"user","content":[{"type":"text","text":"again"}]}""", """{"role":"assistant","content":"hi"}""", """{"role":"assistant","content":""}""",
            """{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}""",
            """{"role":"tool","tool_call_id":"c1","content":"ok"}""", """{"role":"tool","tool_call_id":"zz","content":"orphan"}""",
            """{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}}""", """{"role":"function","name":"f","content":"r"}""",
        ],
        Options:
        [
            "\"stream\":true", "\"stream\":false", "\"stream_options\":{\"include_usage\":true}", "\"max_tokens\":1", "\"stop\":[\"e\",\"l\"]",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}},{\"type\":\"mcp\",\"server_label\":\"x\"}]",
            "\"tool_choice\":\"required\"", "\"tool_choice\":\"none\"", "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}",
            "\"functions\":[{\"name\":\"f\",\"parameters\":{}}]", "\"function_call\":\"auto\"", "\"parallel_tool_calls\":false", "\"session_id\":\"new\"",
        ],
        HeaderNames: ["authorization", "x-request-id", "x-session-affinity", "x-session-id", "x-exchange-id", "x-persona-id",
            "x-upstream-base-url", "content-type", "accept", "x-session-key", "user-agent"],
        Authorize: request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BrokerHost.InboundToken),
        AssertAnswer: (mediaType, text) =>
        {
            if (mediaType == "text/event-stream") Assert.EndsWith("data: [DONE]\n\n", text);
            else Assert.Equal(JsonValueKind.String, JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        },
        AssertEnvelope: _ => { });

    private static readonly FuzzedApi AnthropicMessages = new(
        Path: "v1/messages?beta=true",
        Fields:
        [
            "model", "messages", "system", "stream", "max_tokens", "tools", "tool_choice", "stop_sequences", "metadata", "temperature",
            "top_p", "top_k", "thinking", "cache_control", "context_management", "output_config", "service_tier",
        ],
        InnerNames:
        [
            "role", "content", "type", "text", "id", "name", "input", "tool_use_id", "is_error", "source", "media_type", "data",
            "input_schema", "description", "cache_control", "defer_loading", "user_id", "disable_parallel_tool_use", "thinking", "signature",
        ],
        Words: ["user", "assistant", "system", "text", "tool_use", "tool_result", "image", "thinking", "redacted_thinking", "document",
            "custom", "auto", "any", "tool", "none", "base64", "ephemeral", ""],
        Seeds:
        [
            """{"model":"mix/claude-sonnet-4-5","max_tokens":1024,"stream":true,"system":"be brief","messages":[{"role":"user","content":"hello"}],"stop_sequences":["\n\nHuman:"],"metadata":{"user_id":"u1"}}""",
            """{"model":"mix/claude-sonnet-4-5","max_tokens":128000,"stream":true,"system":[{"type":"text","text":"you are Claude Code","cache_control":{"type":"ephemeral"}},{"type":"text","text":"be brief"}],"messages":[{"role":"user","content":[{"type":"text","text":"<system-reminder>x</system-reminder>"},{"type":"text","text":"read it"}]},{"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"reading"},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/a"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"file text"}]},{"type":"text","text":"go on"}]}],"tools":[{"name":"Read","description":"read a file","input_schema":{"type":"object","properties":{"file_path":{"type":"string"}},"required":["file_path"]}},{"type":"web_search_20250305","name":"web_search"},{"name":"Later","input_schema":{"type":"object"},"defer_loading":true}],"tool_choice":{"type":"auto"},"thinking":{"type":"enabled","budget_tokens":1024}}""",
            """{"model":"mix/qwen-3-235b-instruct","max_tokens":100,"stream":false,"messages":[{"role":"user","content":"list it"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_a","name":"ls","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_a","content":"boom","is_error":true}]},{"role":"system","content":"env: linux"}],"tools":[{"type":"custom","name":"ls","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"ls","disable_parallel_tool_use":true},"temperature":0.2,"top_p":0.9,"top_k":5}""",
            """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"text","text":"what is it"}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"any"}}""",
            """{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"again"}],"tool_choice":{"type":"none"},"stop_sequences":["END","STOP"]}""",
        ],
        Messages:
        [
            """{"role":"user","content":"hello"}""", """{"role":"user","content":""}""", """{"role":"user","content":[{"type":"text","text":"<system-reminder>x</system-reminder>"},{"type":"text","text":"go"}]}""",
            """{"role":"assistant","content":"sure"}""", """{"role":"assistant","content":[]}""", """{"role":"system","content":"env: linux"}""",
            """{"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"reading"},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/a"}}]}""",
            """{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Read","input":{}},{"type":"tool_use","id":"toolu_2","name":"Nope","input":{"x":[1]}}]}""",
            """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"file text"}]}""",
            """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"x"}],"is_error":true},{"type":"text","text":"and"}]}""",
            """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"orphan"}]}""",
            """{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}""",
        ],
        Options:
        [
            "\"stream\":true", "\"stream\":false", "\"max_tokens\":1", "\"max_tokens\":128000", "\"stop_sequences\":[\"l\",\"o \"]", "\"system\":\"be brief\"",
            "\"system\":[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\"}}]", "\"metadata\":{\"user_id\":\"u\"}",
            "\"tools\":[{\"name\":\"Read\",\"input_schema\":{\"type\":\"object\"}},{\"type\":\"web_search_20250305\",\"name\":\"web_search\"},{\"name\":\"Later\",\"input_schema\":{},\"defer_loading\":true}]",
            "\"tool_choice\":{\"type\":\"auto\"}", "\"tool_choice\":{\"type\":\"any\"}", "\"tool_choice\":{\"type\":\"none\"}",
            "\"tool_choice\":{\"type\":\"tool\",\"name\":\"Read\",\"disable_parallel_tool_use\":true}", "\"tool_choice\":{\"type\":\"tool\",\"name\":\"Missing\"}",
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", "\"temperature\":0",
        ],
        HeaderNames: ["x-api-key", "authorization", "anthropic-version", "anthropic-beta", "x-request-id", "x-session-affinity",
            "x-claude-code-session-id", "content-type", "accept", "user-agent"],
        Authorize: request =>
        {
            request.Headers.Add("x-api-key", BrokerHost.InboundToken);
            request.Headers.Add("anthropic-version", "2023-06-01");
        },
        AssertAnswer: (mediaType, text) =>
        {
            if (mediaType == "text/event-stream")
            {
                var t = AnthropicTranscript.Parse(text);
                Assert.Equal("message_stop", t.Names.Last());
                return;
            }
            var message = JsonDocument.Parse(text).RootElement;
            Assert.Equal("message", message.GetProperty("type").GetString());
            Assert.Equal(JsonValueKind.String, message.GetProperty("stop_reason").ValueKind);
        },
        AssertEnvelope: root => Assert.Equal("error", root.GetProperty("type").GetString()));

    // Same parser and auth as /v1/messages, its own answer.
    private static readonly FuzzedApi AnthropicCountTokens = AnthropicMessages with
    {
        Path = "v1/messages/count_tokens",
        AssertAnswer = (_, text) => Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("input_tokens").GetInt32() > 0),
    };

    [Theory]
    [InlineData(nameof(ChatCompletions), 300)]
    [InlineData(nameof(AnthropicMessages), 1000)]
    [InlineData(nameof(AnthropicCountTokens), 300)]
    public async Task Any_body_and_headers_get_a_complete_answer_or_a_4xx_envelope_never_a_500_or_a_hang(string api, int iterations)
    {
        await using var broker = await BrokerHost.StartAsync();
        await RequestFuzzer.RunAsync(broker, api switch
        {
            nameof(ChatCompletions) => ChatCompletions,
            nameof(AnthropicMessages) => AnthropicMessages,
            _ => AnthropicCountTokens,
        }, iterations);
    }

    // Found by the fuzzing above: a non-ASCII header value got Kestrel's bare 400 (no envelope, no request.completed).
    [Theory]
    [InlineData("x-request-id", 200)]
    [InlineData("x-session-affinity", 200)]
    [InlineData("x-session-id", 200)]
    [InlineData("x-persona-id", 200)]
    [InlineData("authorization", 401)]
    public async Task A_header_value_with_latin1_bytes_is_answered_by_the_broker(string header, int status)
    {
        await using var broker = await BrokerHost.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 }) { BaseAddress = broker.BaseUrl };
        var request = ChatRequests.Post(ChatRequests.Body("hi", stream: false));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BrokerHost.InboundToken);
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, "\u00C0\u00CB caf\u00E9");
        var response = await client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status == 200 ? "stop" : "auth_error", (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    // Found by the fuzzing of /v1/messages, each once a 500 with a stack trace in the log.
    [Theory]
    [InlineData("""{"model":"m","max_tokens":10,"top_p":1e400,"messages":[{"role":"user","content":"hi"}]}""", "top_p: must be a number")]
    public async Task A_finding_of_the_fuzzing_is_a_400_in_the_anthropic_envelope(string body, string message)
    {
        await using var broker = await BrokerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        AnthropicMessages.Authorize(request);
        using var response = await broker.Client.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AnthropicMessages.AssertEnvelope(root);
        Assert.Equal("invalid_request_error", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(message, root.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("invalid_request", (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }
}
