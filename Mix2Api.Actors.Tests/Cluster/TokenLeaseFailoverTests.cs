using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>The token-manager singleton moves to the other broker when its holder stops, and requests keep working.</summary>
public sealed class TokenLeaseFailoverTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int LeaseTtlMs = 1500;
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    private Dictionary<string, string?> Managed(string nodeId) => RedisBrokers.Settings(redis, _prefix,
        ("UPSTREAM_AUTH_MODE", "managed"), ("NODE_ID", nodeId),
        ("TOKEN_LEASE_TTL_MS", LeaseTtlMs.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("TOKEN_LEASE_HEARTBEAT_MS", "400"),
        ("MEMBER_HEARTBEAT_MS", "200"), ("MEMBER_TTL_MS", "2000"));

    private static async Task<string?> LeaseHolderAsync(BrokerHost broker)
    {
        var (_, health) = await ClusterChat.HealthAsync(broker.Client);
        var holder = health.GetProperty("token").GetProperty("lease_holder");
        return holder.ValueKind == JsonValueKind.String ? holder.GetString() : null;
    }

    [Fact]
    public async Task When_the_lease_holder_stops_the_other_broker_takes_the_lease_within_the_TTL_and_keeps_serving()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var sim = simulator.Simulator;
        sim.RequireToken = true;
        await using var a = await RedisBrokers.StartAsync(Managed("lease-a"), simulator);
        await using var b = await RedisBrokers.StartAsync(Managed("lease-b"), simulator);
        string? holderId = null;
        await Eventually.TrueAsync(async () => (holderId = await LeaseHolderAsync(a)) is "lease-a" or "lease-b",
            TimeSpan.FromSeconds(10), "no broker took the token lease within 10 s");
        var (holder, survivor, survivorId) = holderId == "lease-a" ? (a, b, "lease-b") : (b, a, "lease-a");
        Assert.Equal(HttpStatusCode.OK, (await ClusterChat.SendAsync(survivor.Client, sim, new Conversation("before failover"))).Status);

        var clock = Stopwatch.StartNew();
        await holder.DisposeAsync();
        var stopped = clock.Elapsed;
        await Eventually.TrueAsync(async () => await LeaseHolderAsync(survivor) == survivorId,
            TimeSpan.FromMilliseconds(LeaseTtlMs + 5000), $"{survivorId} did not take the lease");
        var failover = clock.Elapsed;
        output.WriteLine($"lease failover: holder {holderId} stopped in {stopped.TotalMilliseconds:F0} ms; " +
            $"{survivorId} held the lease {failover.TotalMilliseconds:F0} ms after the stop began (TTL {LeaseTtlMs} ms, heartbeat 400 ms)");

        // The holder's graceful stop releases the lease; without that the TTL bounds the takeover. Margin for a loaded machine.
        Assert.True(failover - stopped < TimeSpan.FromMilliseconds(LeaseTtlMs + 1500),
            $"takeover took {(failover - stopped).TotalMilliseconds:F0} ms after the holder stopped");
        sim.RevokeAllTokens();
        var logins = sim.LoginCount;
        var after = await ClusterChat.SendAsync(survivor.Client, sim, new Conversation("after failover"));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(logins + 1, sim.LoginCount);
        var (_, health) = await ClusterChat.HealthAsync(survivor.Client);
        Assert.Equal("Active", health.GetProperty("token").GetProperty("local_state").GetString());
    }
}
