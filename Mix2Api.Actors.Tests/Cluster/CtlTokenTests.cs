using System.Net;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>`ctl token show|refresh` in managed mode: the shared token's fingerprint, expiry and singleton node, never the token.</summary>
public sealed class CtlTokenTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string TokenMarker = "sim-token-";

    [Fact]
    public async Task Token_show_and_refresh_report_fingerprints_and_a_new_generation()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        simulator.Simulator.RequireToken = true;
        var settings = RedisBrokers.Settings(redis, $"t{Guid.NewGuid():N}", ("UPSTREAM_AUTH_MODE", "managed"), ("NODE_ID", "token-a"));
        var (broker, admin) = await AdminBroker.StartAsync(settings, simulator);
        await using var _ = broker;
        await RedisBrokers.WaitForRedisAsync(broker.Client);
        var chat = await ClusterChat.SendAsync(broker.Client, simulator.Simulator, new Conversation("needs a token"));
        Assert.Equal(HttpStatusCode.OK, chat.Status);

        var shown = await AdminBroker.CtlAsync("token", "show", "--json", "--node", admin);
        Assert.Equal(0, shown.Exit);
        var token = shown.Json;
        Assert.Equal("managed", token.GetProperty("mode").GetString());
        Assert.Equal(Mix2Api.Streams.Diagnostics.Fingerprint.Of(chat.Upstream!.BearerToken), token.GetProperty("fingerprint").GetString());
        Assert.StartsWith("akka.tcp://mix2api@127.0.0.1:", token.GetProperty("singleton_node").GetString(), StringComparison.Ordinal);
        Assert.True(token.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, token.GetProperty("last_refresh").ValueKind);

        var refreshed = await AdminBroker.CtlAsync("token", "refresh", "--json", "--node", admin);
        Assert.Equal(0, refreshed.Exit);
        Assert.True(refreshed.Json.GetProperty("generation").GetInt64() > token.GetProperty("generation").GetInt64());
        Assert.NotEqual(token.GetProperty("fingerprint").GetString(), refreshed.Json.GetProperty("fingerprint").GetString());
        Assert.Equal(2, simulator.Simulator.LoginCount);

        var table = await AdminBroker.CtlAsync("token", "show", "--node", admin);
        Assert.Contains("singleton node", table.Out);
        Assert.DoesNotContain(TokenMarker, shown.Out + refreshed.Out + table.Out);
    }
}
