using System.Text.Json.Nodes;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

public class SimulatorTokenTests
{
    private static async Task<(int Status, JsonNode? Body, string Text)> LoginAsync(HttpClient client, HttpMethod method)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, "v2/token") { Content = method == HttpMethod.Post ? new StringContent("{}") : null });
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try { body = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        return ((int)response.StatusCode, body, text);
    }

    [Fact]
    public async Task Token_route_issues_numbered_tokens_on_post_and_get_and_counts_logins()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { TokenLifetime = TimeSpan.FromSeconds(120) });
        using var client = SimHttp.Client(server);

        var first = await LoginAsync(client, HttpMethod.Post);
        var second = await LoginAsync(client, HttpMethod.Get);

        Assert.Equal(200, first.Status);
        Assert.Equal("sim-token-1", (string?)first.Body!["access_token"]);
        Assert.Equal(120, (int)first.Body["expires_in"]!);
        Assert.Equal("Bearer", (string?)first.Body["token_type"]);
        Assert.Equal("sim-token-2", (string?)second.Body!["access_token"]);
        Assert.Equal(2, server.Simulator.LoginCount);
        Assert.Equal(2, server.Simulator.TokenRequests.Count);
    }

    [Fact]
    public async Task Forced_login_failures_give_500_invalid_payload_or_non_json_then_recover()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var sim = server.Simulator;

        sim.FailNextLogins(1, TokenFailure.ServerError);
        var failed = await LoginAsync(client, HttpMethod.Post);
        sim.TokenFailure = TokenFailure.InvalidPayload;
        var invalid = await LoginAsync(client, HttpMethod.Post);
        sim.TokenFailure = TokenFailure.NotJson;
        var notJson = await LoginAsync(client, HttpMethod.Post);
        sim.TokenFailure = TokenFailure.None;
        var ok = await LoginAsync(client, HttpMethod.Post);

        Assert.Equal(500, failed.Status);
        Assert.NotNull(failed.Body!["error"]!["message"]);
        Assert.Equal(200, invalid.Status);
        Assert.Null(invalid.Body!["access_token"]);
        Assert.Null(notJson.Body);
        Assert.Equal("sim-token-1", (string?)ok.Body!["access_token"]);
        Assert.Equal(4, sim.LoginCount);
    }

    [Fact]
    public async Task RequireToken_rejects_missing_unknown_revoked_and_expired_bearers_with_token_expired()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { RequireToken = true });
        using var client = SimHttp.Client(server);
        var sim = server.Simulator;
        const string expected = """{"error":{"message":"token expired"}}""";

        async Task<(int, string)> ChatAsync(string? bearer)
        {
            using var response = await client.SendAsync(SimHttp.Chat("hi", bearer: bearer));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var token = (string)(await LoginAsync(client, HttpMethod.Post)).Body!["access_token"]!;
        Assert.Equal((401, expected), await ChatAsync(null));
        Assert.Equal((401, expected), await ChatAsync("sim-token-999"));
        var (okStatus, okBody) = await ChatAsync(token);
        Assert.Equal(200, okStatus);
        Assert.EndsWith("data: [DONE]\n\n", okBody);

        sim.RevokeAllTokens();
        Assert.Equal((401, expected), await ChatAsync(token));

        sim.TokenLifetime = TimeSpan.Zero;
        var expired = (string)(await LoginAsync(client, HttpMethod.Post)).Body!["access_token"]!;
        Assert.Equal((401, expected), await ChatAsync(expired));
        Assert.False(sim.IsTokenValid(expired));
    }

    [Fact]
    public async Task With_the_auth_error_payload_mode_a_rejected_bearer_gets_200_json_saying_token_expired()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { RequireToken = true });
        using var client = SimHttp.Client(server);
        server.Simulator.TokenRejection = TokenRejection.AuthErrorPayload;

        using var response = await client.SendAsync(SimHttp.Chat("hi", bearer: "sim-token-999"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"error":{"message":"token expired"}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_request_is_recorded_with_headers_raw_and_parsed_body()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        using var request = SimHttp.Chat("record me", bearer: "abc");
        request.Headers.Add("x-request-id", "rid-1");

        (await client.SendAsync(request)).Dispose();

        var recorded = Assert.Single(server.Simulator.ChatRequests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v2/chats", recorded.Path);
        Assert.Equal("rid-1", recorded.Header("X-Request-Id"));
        Assert.Equal("abc", recorded.BearerToken);
        Assert.Contains("record me", recorded.BodyText);
        Assert.Equal("record me", recorded.Body!.Value.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.True(recorded.ReceivedTimestamp > 0);
    }

    [Fact]
    public async Task NextExchangeAsync_times_out_with_a_clear_message()
    {
        await using var server = await SimulatorServer.StartAsync();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => server.Simulator.NextExchangeAsync(TimeSpan.FromMilliseconds(50)));

        Assert.Contains("No simulated chat exchange", error.Message);
    }

    [Fact]
    public async Task A_timed_out_NextExchangeAsync_does_not_swallow_the_next_exchange()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        await Assert.ThrowsAsync<TimeoutException>(() => server.Simulator.NextExchangeAsync(TimeSpan.FromMilliseconds(20)));

        (await client.SendAsync(SimHttp.Chat("hi"))).Dispose();
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);

        Assert.Equal("hi", exchange.Question);
    }

    [Fact]
    public async Task Many_concurrent_streams_all_complete_with_their_own_ids()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            SimHttp.SendAndReadAsync(client, SimHttp.Chat("[[sim:long chunks=20 delay_ms=1]]"))));

        Assert.All(results, r => Assert.Equal(SimScripts.LongText(20), r.Deltas()));
        Assert.Equal(100, results.Select(r => r.Frame("start").GetProperty("messageMetadata").GetProperty("sessionId").GetString()).Distinct().Count());
        Assert.Equal(100, server.Simulator.TotalExchanges);
    }
}
