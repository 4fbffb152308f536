using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Every `ctl` command against a real broker (Kestrel, the simulator upstream) after real traffic: its --json shape as
/// the issue states it, its table, and no secret or prompt in any output.
/// </summary>
public sealed class CtlCommandTests : IAsyncLifetime
{
    private const string UpstreamSecret = "upstream-static-secret-7d1f";
    private const string PromptMarker = "prompt-words-never-in-traces";
    private const string ClaudeCode = "claude-cli/2.0.14 (external, cli)";
    private BrokerHost _broker = null!;
    private string _admin = null!;
    private readonly StringBuilder _allOutput = new();

    public async Task InitializeAsync()
        => (_broker, _admin) = await AdminBroker.StartAsync(new Dictionary<string, string?>
        {
            ["TRACE_SAMPLING_RATE"] = "1",
            ["UPSTREAM_AUTH_MODE"] = "static",
            ["UPSTREAM_BEARER_TOKEN"] = UpstreamSecret,
        });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<AdminBroker.CtlResult> Ctl(params string[] args)
    {
        var result = await AdminBroker.CtlAsync([.. args, "--node", _admin]);
        _allOutput.Append(result.Out).Append(result.Err);
        Assert.True(result.Exit == 0, $"ctl {string.Join(' ', args)} exited {result.Exit}: {result.Err}");
        return result;
    }

    private async Task<(HttpResponseMessage Response, string Body)> SendAsync(object body, string userAgent = ClaudeCode)
    {
        using var request = ChatRequests.Post(ChatRequests.Json(JsonSerializer.Serialize(body)));
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        var response = await _broker.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        await _broker.CompletedAsync(ChatRequests.RequestId(response));
        return (response, text);
    }

    private static object[] Tools() =>
    [
        new { type = "function", function = new { name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" } } } } },
    ];

    /// <summary>A two-turn tool loop closed (tool_calls, then the final answer after the tool result).</summary>
    private async Task ToolLoopAsync()
    {
        var opening = new { role = "user", content = """[[sim:tool name=get_weather args={"city":"Paris"}]] weather in Paris? """ + PromptMarker };
        var (_, first) = await SendAsync(new { model = "mix/qwen-3-235b-instruct", messages = new object[] { opening }, tools = Tools() });
        var call = JsonNode.Parse(first)!["choices"]![0]!["message"]!["tool_calls"]![0]!;
        var id = call["id"]!.GetValue<string>();
        var (final, body) = await SendAsync(new
        {
            model = "mix/qwen-3-235b-instruct",
            tools = Tools(),
            messages = new object[]
            {
                opening,
                new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id, type = "function", function = new { name = "get_weather", arguments = "{\"city\":\"Paris\"}" } } } },
                new { role = "tool", tool_call_id = id, content = "sunny" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal("stop", JsonNode.Parse(body)!["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cluster_shards_sessions_and_token_answer_their_shapes()
    {
        await ToolLoopAsync();

        var members = (await Ctl("cluster", "show", "--json")).Json.GetProperty("members");
        var member = Assert.Single(members.EnumerateArray());
        Assert.Equal(["address", "roles", "channel", "status", "reachable"], member.EnumerateObject().Select(p => p.Name));
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.Equal("stable", member.GetProperty("roles")[0].GetString());

        var table = await Ctl("cluster", "show");
        Assert.Contains("address", table.Out);
        Assert.Contains("version", table.Out);
        Assert.Contains(member.GetProperty("address").GetString()!, table.Out);

        var regions = (await Ctl("shards", "--json")).Json.GetProperty("regions");
        Assert.Equal(1, regions[0].GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("entities").GetInt32()));

        var sessions = (await Ctl("sessions", "list", "--json")).Json.GetProperty("sessions");
        var session = Assert.Single(sessions.EnumerateArray());
        Assert.Equal(2, session.GetProperty("turns").GetInt32());
        Assert.Matches("^[0-9a-f]{12}$", session.GetProperty("key_fp").GetString());
        Assert.Matches("^[0-9a-f]{12}$", session.GetProperty("upstream_session_fp").GetString());
        Assert.True(session.TryGetProperty("age_seconds", out _));
        Assert.True(session.TryGetProperty("node", out _));

        var shown = (await Ctl("sessions", "show", session.GetProperty("key_fp").GetString()!, "--json")).Json.GetProperty("sessions");
        Assert.Equal(session.GetProperty("key_fp").GetString(), Assert.Single(shown.EnumerateArray()).GetProperty("key_fp").GetString());
        var unknown = await AdminBroker.CtlAsync("sessions", "show", "000000000000", "--node", _admin);
        Assert.Equal(1, unknown.Exit);
        Assert.StartsWith("ctl: ", unknown.Err);

        var token = (await Ctl("token", "show", "--json")).Json;
        Assert.Equal(Fingerprint.Of(UpstreamSecret), token.GetProperty("fingerprint").GetString());
        Assert.Equal("static", token.GetProperty("mode").GetString());
        var refresh = await AdminBroker.CtlAsync("token", "refresh", "--node", _admin);
        Assert.Equal(1, refresh.Exit);
        Assert.Contains("managed", refresh.Err);

        AssertNoSecret();
    }

    [Fact]
    public async Task Streams_lists_a_live_stream_with_its_chunks_and_phase()
    {
        using var request = ChatRequests.Post(ChatRequests.Body("[[sim:long chunks=400 delay_ms=25]] count", stream: true));
        var response = await _broker.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var requestId = ChatRequests.RequestId(response);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var seen = "";
        while (!seen.Contains("\"content\"")) seen += Encoding.UTF8.GetString(buffer, 0, await body.ReadAsync(buffer));

        var streams = (await Ctl("streams", "--json")).Json.GetProperty("streams");
        var live = Assert.Single(streams.EnumerateArray());
        Assert.Equal(requestId, live.GetProperty("request_id").GetString());
        Assert.Equal("unknown", live.GetProperty("client").GetString());
        Assert.Equal("mix/qwen-3-235b-instruct", live.GetProperty("model").GetString());
        Assert.Equal("streaming", live.GetProperty("phase").GetString());
        Assert.True(live.GetProperty("chunks").GetInt64() >= 1);
        Assert.True(live.TryGetProperty("age_seconds", out _));

        var table = await Ctl("streams");
        Assert.Contains(requestId, table.Out);
        response.Dispose();
        await _broker.CompletedAsync(requestId);
        Assert.Empty((await Ctl("streams", "--json")).Json.GetProperty("streams").EnumerateArray());
    }

    [Fact]
    public async Task Verdict_and_slo_judge_the_traffic_per_channel_and_client()
    {
        await ToolLoopAsync();
        for (var i = 0; i < 3; i++)
        {
            var (ok, _) = await SendAsync(new { model = "m", stream = true, messages = new[] { new { role = "user", content = "hi " + i } } });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        // One broken stream (an upstream error frame after the first byte) and one opencode request.
        await SendAsync(new { model = "m", stream = true, messages = new[] { new { role = "user", content = "[[sim:fault kind=error]]" } } });
        await SendAsync(new { model = "m", messages = new[] { new { role = "user", content = "hi" } } }, userAgent: "opencode/0.15");

        var verdict = (await Ctl("verdict", "--json")).Json;
        Assert.Equal(15, verdict.GetProperty("window_minutes").GetDouble());
        var rows = verdict.GetProperty("rows").EnumerateArray().ToList();
        var claude = rows.Single(r => r.GetProperty("client").GetString() == "claude-code");
        foreach (var key in new[] { "channel", "client", "requests", "adapter_error_pct", "http_5xx_pct", "broken_stream_pct", "verdict" })
            Assert.True(claude.TryGetProperty(key, out _), key);
        Assert.Equal("stable", claude.GetProperty("channel").GetString());
        Assert.Equal(6, claude.GetProperty("requests").GetInt64());
        Assert.Equal(25.0, claude.GetProperty("broken_stream_pct").GetDouble()); // 1 of 4 streams
        Assert.Equal("rollback", claude.GetProperty("verdict").GetString());
        var opencode = rows.Single(r => r.GetProperty("client").GetString() == "opencode");
        Assert.Equal("ok", opencode.GetProperty("verdict").GetString());

        var slo = (await Ctl("slo", "--json")).Json.GetProperty("rows").EnumerateArray().ToList();
        var claudeSlo = slo.Single(r => r.GetProperty("client").GetString() == "claude-code");
        foreach (var key in new[] { "client", "requests", "success_pct", "tool_loop_success_pct", "broken_stream_pct", "met" })
            Assert.True(claudeSlo.TryGetProperty(key, out _), key);
        Assert.Equal(100.0, claudeSlo.GetProperty("tool_loop_success_pct").GetDouble());
        Assert.False(claudeSlo.GetProperty("met").GetBoolean());
        Assert.True(slo.Single(r => r.GetProperty("client").GetString() == "opencode").GetProperty("met").GetBoolean());

        var table = await Ctl("verdict");
        Assert.Contains("ROLLBACK", table.Out);
        Assert.Contains("claude-code", table.Out);
        Assert.Contains("met", (await Ctl("slo")).Out);
        AssertNoSecret();
    }

    [Fact]
    public async Task Traces_are_sampled_redacted_and_readable()
    {
        await ToolLoopAsync();
        var traces = (await Ctl("traces", "list", "--json")).Json.GetProperty("traces").EnumerateArray().ToList();
        Assert.Equal(2, traces.Count(t => t.GetProperty("path").GetString() == "/v1/chat/completions"));
        var newest = traces[0];
        Assert.Equal("stop", newest.GetProperty("end_reason").GetString());
        Assert.Equal(3, newest.GetProperty("message_count").GetInt32());
        Assert.Equal(1, newest.GetProperty("tool_count").GetInt32());
        Assert.Equal(Fingerprint.Of(BrokerHost.InboundToken), newest.GetProperty("auth_fp").GetString());

        var id = newest.GetProperty("trace_id").GetString()!;
        var shown = (await Ctl("traces", "show", id, "--json")).Json;
        Assert.Equal(newest.GetProperty("request_id").GetString(), shown.GetProperty("request_id").GetString());
        Assert.Contains(id, (await Ctl("traces", "show", id)).Out);
        Assert.Contains(id, (await Ctl("traces", "list")).Out);
        var missing = await AdminBroker.CtlAsync("traces", "show", "trace_nope", "--node", _admin);
        Assert.Equal(1, missing.Exit);
        AssertNoSecret();
    }

    private void AssertNoSecret()
    {
        var all = _allOutput.ToString();
        Assert.NotEmpty(all);
        Assert.DoesNotContain(UpstreamSecret, all);
        Assert.DoesNotContain(BrokerHost.InboundToken, all);
        Assert.DoesNotContain(PromptMarker, all);
        Assert.DoesNotContain("sunny", all);
    }
}
