using System.Net;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// <c>UPSTREAM_AUTH_MODE=managed</c> through real brokers: one login for the cluster, one more after a mass revocation,
/// 502 upstream_auth_error when login fails, and the token nowhere in logs or /health.
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
    public async Task One_login_serves_two_brokers_and_fifty_concurrent_401s_cost_exactly_one_more()
    {
        await using var simulator = await TokenCheckingSimulatorAsync();
        var sim = simulator.Simulator;
        using var logs = new CapturingLoggerProvider();
        await using var a = await RedisBrokers.StartAsync(Managed("auth-a"), simulator, logs);
        await using var b = await RedisBrokers.StartAsync(Managed("auth-b"), simulator, logs);

        var first = await ClusterChat.SendAsync(a.Client, sim, new Conversation("first"));
        var other = await ClusterChat.SendAsync(b.Client, sim, new Conversation("other node"));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, other.Status));
        Assert.Equal(1, sim.LoginCount);
        var before = first.Upstream!.BearerToken;

        sim.RevokeAllTokens();
        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            ClusterChat.SendAsync((i % 2 == 0 ? a : b).Client, sim, new Conversation($"after revocation {i}"))));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(2, sim.LoginCount);
        Assert.All(replies, r => Assert.NotEqual(before, r.Upstream!.BearerToken));
        Assert.NotEmpty(logs.Entries); // the capture works, so the next line is not vacuous
        Assert.DoesNotContain(TokenMarker, logs.AllText);
        foreach (var broker in new[] { a, b })
        {
            var health = await broker.Client.GetStringAsync("health");
            Assert.DoesNotContain(TokenMarker, health);
            Assert.Contains("\"lease_holder\"", health);
        }
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
