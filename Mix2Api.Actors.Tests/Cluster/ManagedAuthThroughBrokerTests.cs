using System.Net;
using Mix2Api.Host.Simulator;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// <c>UPSTREAM_AUTH_MODE=managed</c> through a real broker: one login, one more after a mass revocation (401s or
/// auth-error payloads), 502 upstream_auth_error when login fails, and the token nowhere in logs or /health.
/// (One broker: two in-process brokers are two clusters until the cluster wiring lands; the cluster-wide single
/// flight is tested on joined actor systems in TokenManagerClusterTests.)
/// </summary>
public sealed class ManagedAuthThroughBrokerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string TokenMarker = "sim-token-";
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    private Dictionary<string, string?> Managed(string nodeId) => RedisBrokers.Settings(redis, _prefix,
        ("UPSTREAM_AUTH_MODE", "managed"), ("NODE_ID", nodeId), ("Logging:LogLevel:Default", "Trace"));

    private static async Task<SimulatorServer> TokenCheckingSimulatorAsync()
    {
        var simulator = await SimulatorServer.StartAsync();
        simulator.Simulator.RequireToken = true;
        return simulator;
    }

    [Fact]
    public async Task One_login_serves_many_requests_and_fifty_concurrent_401s_cost_exactly_one_more()
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        using var logs = new CapturingLoggerProvider();
        await using var broker = await RedisBrokers.StartAsync(Managed("auth-a"), simulator, logs);

        var first = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("first"));
        var second = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("second"));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal(1, sim.LoginCount);
        var before = first.Upstream!.BearerToken;

        sim.RevokeAllTokens();
        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            ClusterChat.SendAsync(broker.Client, sim, new Conversation($"after revocation {i}"))));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(2, sim.LoginCount);
        Assert.All(replies, r => Assert.NotEqual(before, r.Upstream!.BearerToken));
        Assert.NotEmpty(logs.Entries); // the capture works, so the next line is not vacuous
        Assert.DoesNotContain(TokenMarker, logs.AllText);
        var (_, health) = await ClusterChat.HealthAsync(broker.Client);
        var token = health.GetProperty("token");
        Assert.DoesNotContain(TokenMarker, health.GetRawText());
        Assert.Equal(Fingerprint.Of(replies[0].Upstream!.BearerToken), token.GetProperty("fingerprint").GetString());
        Assert.StartsWith("akka.tcp://mix2api@", token.GetProperty("singleton_node").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, token.GetProperty("generation").GetInt64());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_200_carrying_an_auth_error_payload_is_recovered_like_a_401(bool stream)
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        sim.TokenRejection = TokenRejection.AuthErrorPayload;
        await using var broker = await RedisBrokers.StartAsync(Managed("auth-payload"), simulator);
        var ok = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("works"));

        sim.RevokeAllTokens();
        var requestId = "r" + Guid.NewGuid().ToString("N");
        using var request = ChatRequests.Post(ChatRequests.Json(ClusterChat.Body(new Conversation("the payload rejects the bearer").Messages, stream: stream)), requestId: requestId);
        using var response = await broker.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var completed = await broker.CompletedAsync(requestId);
        var upstream = sim.ChatRequests.Where(r => r.Header("x-request-id") == requestId).ToList();

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("token expired", text, StringComparison.Ordinal);
        Assert.Equal("stop", completed.EndReason);
        Assert.Equal(2, sim.LoginCount);
        Assert.Equal(2, upstream.Count);
        Assert.NotEqual(upstream[0].BearerToken, upstream[1].BearerToken);
        Assert.True(sim.IsTokenValid(upstream[1].BearerToken));
    }

    [Fact]
    public async Task A_200_auth_error_payload_that_recovery_cannot_fix_is_a_502_upstream_auth_error()
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        sim.TokenRejection = TokenRejection.AuthErrorPayload;
        await using var broker = await RedisBrokers.StartAsync(Managed("auth-payload-fail"), simulator);
        Assert.Equal(HttpStatusCode.OK, (await ClusterChat.SendAsync(broker.Client, sim, new Conversation("works"))).Status);

        sim.TokenFailure = TokenFailure.ServerError;
        sim.RevokeAllTokens();
        var failed = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("payload, then login fails"));
        var completed = await broker.CompletedAsync(failed.RequestId);

        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Equal("upstream_auth_error", failed.ErrorCode);
        Assert.Equal("upstream_auth_error", completed.EndReason);
    }

    [Fact]
    public async Task With_a_static_token_an_auth_error_payload_is_an_upstream_auth_error_without_any_login()
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        sim.TokenRejection = TokenRejection.AuthErrorPayload;
        await using var broker = await RedisBrokers.StartAsync(RedisBrokers.Settings(redis, _prefix,
            ("UPSTREAM_AUTH_MODE", "static"), ("UPSTREAM_BEARER_TOKEN", "not-issued-by-the-simulator")), simulator);

        var failed = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("static token is unknown"));
        var completed = await broker.CompletedAsync(failed.RequestId);

        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Equal("upstream_auth_error", failed.ErrorCode);
        Assert.Equal("upstream_auth_error", completed.EndReason);
        Assert.Equal(0, sim.LoginCount);
        Assert.Single(sim.ChatRequests);
    }

    [Theory]
    [InlineData(TokenFailure.ServerError)]
    [InlineData(TokenFailure.InvalidPayload)]
    [InlineData(TokenFailure.NotJson)]
    public async Task A_failed_login_is_a_502_upstream_auth_error_and_no_token_is_logged(TokenFailure failure)
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        using var logs = new CapturingLoggerProvider();
        await using var broker = await RedisBrokers.StartAsync(Managed("auth-fail"), simulator, logs);
        var ok = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("works"));

        sim.TokenFailure = failure;
        sim.RevokeAllTokens();
        var failed = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("login fails now"));
        var completed = await broker.CompletedAsync(failed.RequestId);

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Equal("upstream_auth_error", failed.ErrorCode);
        Assert.Equal("upstream_auth_error", completed.EndReason);
        Assert.True(sim.LoginCount >= 2, $"a new login was attempted (logins: {sim.LoginCount})");
        Assert.NotEmpty(logs.Entries); // the capture works, so the next line is not vacuous
        Assert.DoesNotContain(TokenMarker, logs.AllText);
        Assert.DoesNotContain(TokenMarker, await broker.Client.GetStringAsync("health"));
    }

    [Fact]
    public async Task A_login_that_fails_before_any_token_exists_is_a_502_not_a_401()
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        simulator.Simulator.TokenFailure = TokenFailure.ServerError;
        await using var broker = await RedisBrokers.StartAsync(Managed("auth-none"), simulator);

        var failed = await ClusterChat.SendAsync(broker.Client, simulator.Simulator, new Conversation("no token yet"));

        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Equal("upstream_auth_error", failed.ErrorCode);
        Assert.Empty(simulator.Simulator.ChatRequests);
    }
}
