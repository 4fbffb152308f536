using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>The northbound contract on the wire: routes, auth, errors, request ids, stream framing.</summary>
public sealed class NorthboundApiTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
    {
        ["INBOUND_BEARER_TOKENS"] = "second-key, third-key",
        ["MODEL_LIST"] = "mix/model-a,mix/model-b,\nmix/model-a,mix/model-c",
        ["BODY_SIZE_LIMIT"] = "2kb",
    });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static JsonElement Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error");

    [Theory]
    [InlineData(null, null, "Missing authorization header")]
    [InlineData("Basic abc", "authorization", "Invalid authorization header (expected Bearer token)")]
    [InlineData("Bearer wrong", "authorization", "Invalid inbound token")]
    public async Task Wrong_inbound_auth_is_401_before_the_body_is_read(string? header, string? param, string message)
    {
        using var client = new HttpClient { BaseAddress = _broker.BaseUrl };
        var request = ChatRequests.Post(ChatRequests.Json("{ not json"));
        if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = Error(await response.Content.ReadAsStringAsync());
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("unauthorized", error.GetProperty("code").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);
        Assert.Equal("auth_error", (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    [Theory]
    [InlineData("second-key")]
    [InlineData("third-key")]
    [InlineData(BrokerHost.InboundToken)]
    public async Task Every_configured_inbound_key_is_accepted(string key)
    {
        using var client = new HttpClient { BaseAddress = _broker.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_400_invalid_json_and_reaches_no_upstream()
    {
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Json("{\"model\":")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", Error(await response.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);
        Assert.Equal("invalid_request", (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    [Fact]
    public async Task Oversized_body_is_413_request_too_large()
    {
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body(new string('x', 4000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", Error(await response.Content.ReadAsStringAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_route_is_a_json_404_and_wrong_method_a_json_405()
    {
        var notFound = await _broker.Client.GetAsync("v2/nothing");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("not_found", Error(await notFound.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        Assert.True(notFound.Headers.Contains("x-request-id"));

        var wrongMethod = await _broker.Client.GetAsync("v1/chat/completions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/json", wrongMethod.Content.Headers.ContentType!.MediaType);
        Assert.Contains("POST", wrongMethod.Content.Headers.Allow);
    }

    // Found by the request fuzzing: a POST whose content type was not JSON (curl -d sends a form type) was told
    // "Method not allowed: POST /v1/chat/completions" with "Allow: POST".
    [Theory]
    [InlineData("v1/chat/completions", "application/x-www-form-urlencoded")]
    [InlineData("v1/messages", "application/x-www-form-urlencoded")]
    [InlineData("v1/messages/count_tokens", "text/plain")]
    public async Task A_body_that_is_not_sent_as_json_is_a_415_in_the_routes_envelope(string path, string contentType)
    {
        using var content = new StringContent("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await _broker.Client.SendAsync(ChatRequests.Post(content, path));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("send the body as application/json", root.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(path.StartsWith("v1/messages", StringComparison.Ordinal) ? "error" : null, root.TryGetProperty("type", out var type) ? type.GetString() : null);
        Assert.Equal("invalid_request", (await _broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
        Assert.Equal(0, _broker.Upstream.ChatRequestCount);
    }

    [Fact]
    public async Task Models_come_from_model_list_deduplicated_in_order()
    {
        var body = JsonDocument.Parse(await _broker.Client.GetStringAsync("v1/models")).RootElement;
        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(new[] { "mix/model-a", "mix/model-b", "mix/model-c" }, ids);
        Assert.All(body.GetProperty("data").EnumerateArray(), m => Assert.Equal("mix2api", m.GetProperty("owned_by").GetString()));
    }

    [Fact]
    public async Task Valid_request_id_is_kept_and_forwarded_and_invalid_one_is_replaced()
    {
        var kept = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi"), requestId: "req-client-12345"));
        Assert.Equal("req-client-12345", ChatRequests.RequestId(kept));
        Assert.Equal("req-client-12345", _broker.Simulator.Simulator.ChatRequests[^1].Headers["x-request-id"]);

        var replaced = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi"), requestId: "bad id with spaces"));
        var id = ChatRequests.RequestId(replaced);
        Assert.NotEqual("bad id with spaces", id);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", id);
    }

    [Fact]
    public async Task Post_root_is_an_alias_of_chat_completions()
    {
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi"), path: ""));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Stream_framing_role_once_finish_usage_last_then_done()
    {
        _broker.Upstream.Enqueue(SimScripts.ShortAnswer("one two three", chunks: 3));
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("count", stream: true, includeUsage: true)));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        var (data, _) = ChatRequests.ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Single(chunks, c => c.GetProperty("choices").GetArrayLength() > 0
            && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _));
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.True(usage.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("sess-1", chunks[0].GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Absent_stream_means_non_stream()
    {
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi")));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("sess-1", response.Headers.GetValues("x-session-id").Single());
        Assert.Equal(true, _broker.Simulator.Simulator.ChatRequests[^1].Body?.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task Metrics_count_requests_by_client_stream_tools_end_reason_and_status()
    {
        using var request = ChatRequests.Post(ChatRequests.Body("count me", stream: true));
        request.Headers.UserAgent.ParseAdd("opencode/1.0");
        var response = await _broker.Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        await _broker.CompletedAsync(ChatRequests.RequestId(response));

        var metrics = await _broker.Client.GetStringAsync("metrics");
        Assert.Contains("mix2api_requests_total{client=\"opencode\",stream=\"true\",tools_present=\"false\",end_reason=\"stop\","
            + "http_status=\"200\",upstream_status=\"200\",channel=\"stable\",api=\"openai\"} 1", metrics);
        Assert.Contains("mix2api_active_streams 0", metrics);
        // Duration and TTFB are histograms with the same labels: a count, a sum and cumulative buckets ending at +Inf.
        const string labels = "client=\"opencode\",stream=\"true\",tools_present=\"false\",end_reason=\"stop\",http_status=\"200\",upstream_status=\"200\",channel=\"stable\",api=\"openai\"";
        Assert.Contains("# TYPE mix2api_request_duration_seconds histogram", metrics);
        Assert.Contains($"mix2api_request_duration_seconds_count{{{labels}}} 1", metrics);
        Assert.Contains($"mix2api_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 1", metrics);
        Assert.Contains($"mix2api_ttfb_seconds_count{{{labels}}} 1", metrics);
        Assert.Matches("mix2api_stream_chunks_total\\{client=\"opencode\",channel=\"stable\"\\} [1-9]", metrics);
        Assert.Contains("mix2api_session_turns_total{kind=", metrics);
        Assert.Contains("mix2api_session_store_degraded{mode=\"memory\"} 0", metrics);
    }

    [Fact]
    public async Task Metrics_count_the_bytes_the_node_allocates()
    {
        var before = AllocatedBytes(await _broker.Client.GetStringAsync("metrics"));
        var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("allocate")));
        await response.Content.ReadAsStringAsync();
        var after = AllocatedBytes(await _broker.Client.GetStringAsync("metrics"));
        // A request and a metrics export allocate kilobytes at the very least: the counter moves with the process.
        Assert.True(before > 0, $"allocated before: {before}");
        Assert.True(after - before >= 1024, $"allocated {before} -> {after}");
    }

    [Fact]
    public async Task Metrics_count_what_the_jit_compiled()
    {
        var metrics = await _broker.Client.GetStringAsync("metrics");
        // A host that has served anything has compiled hundreds of methods at least, and spent time doing it.
        Assert.True(Counter(metrics, "dotnet_jit_methods_compiled_total") >= 100, metrics);
        Assert.True(Counter(metrics, "dotnet_jit_compilation_seconds_total") > 0, metrics);
    }

    private static double AllocatedBytes(string metrics) => Counter(metrics, "dotnet_gc_allocated_bytes_total");

    private static double Counter(string metrics, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(metrics, $@"^{name} (\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is exported");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
