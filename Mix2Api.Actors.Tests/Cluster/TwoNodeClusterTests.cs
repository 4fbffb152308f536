using System.Net;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// Stable and canary as two real host processes on one redis-server and one upstream: a conversation may hop between
/// them and survives one of them being killed.
/// </summary>
public sealed class TwoNodeClusterTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    private Dictionary<string, string> Node(SimulatorServer simulator, string nodeId, string channel) => new()
    {
        ["NODE_ID"] = nodeId,
        ["NODE_CHANNEL"] = channel,
        ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
        ["UPSTREAM_AUTH_MODE"] = "none",
        ["SESSION_STORE_MODE"] = "redis",
        ["REDIS_URL"] = redis.ConnectionString,
        ["REDIS_KEY_PREFIX"] = _prefix,
        ["REDIS_SESSION_PREFIX"] = _prefix + ":session",
        ["REDIS_COMMAND_TIMEOUT_MS"] = "2000",
        ["MEMBER_HEARTBEAT_MS"] = "200",
        ["MEMBER_TTL_MS"] = "2000",
    };

    private static async Task<Dictionary<string, string>> MembersAsync(HttpClient client)
    {
        var (_, health) = await ClusterChat.HealthAsync(client);
        return health.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("node").GetString()!, m => m.GetProperty("channel").GetString()!);
    }

    [Fact]
    public async Task A_conversation_alternating_between_stable_and_canary_keeps_one_upstream_session_and_survives_a_killed_node()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var sim = simulator.Simulator;
        await using var stable = await NodeProcess.StartAsync(Node(simulator, "node-stable", "stable"));
        await using var canary = await NodeProcess.StartAsync(Node(simulator, "node-canary", "canary"));
        try
        {
            await Eventually.TrueAsync(async () => (await MembersAsync(stable.Client)).Count == 2 && (await MembersAsync(canary.Client)).Count == 2,
                TimeSpan.FromSeconds(20), "the nodes did not see each other within 20 s");
            foreach (var node in new[] { stable, canary })
            {
                var members = await MembersAsync(node.Client);
                Assert.Equal("stable", members["node-stable"]);
                Assert.Equal("canary", members["node-canary"]);
                var (_, health) = await ClusterChat.HealthAsync(node.Client);
                Assert.Equal(node == stable ? "stable" : "canary", health.GetProperty("channel").GetString());
            }

            var conversation = new Conversation("a conversation across the cluster");
            var first = await ClusterChat.SendAsync(stable.Client, sim, conversation);
            var session = first.HeaderSessionId;
            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.Null(first.SentSessionId);
            Assert.NotNull(session);
            for (var turn = 2; turn <= 5; turn++)
            {
                var node = turn % 2 == 0 ? canary : stable;
                var reply = await ClusterChat.SendAsync(node.Client, sim, conversation.Next($"answer {turn - 1}", $"question {turn}"));
                Assert.Equal(HttpStatusCode.OK, reply.Status);
                Assert.Equal(session, reply.SentSessionId);
            }

            await stable.KillAsync();
            var afterKill = await ClusterChat.SendAsync(canary.Client, sim, conversation.Next("answer 5", "question 6 after the kill"));
            Assert.Equal(HttpStatusCode.OK, afterKill.Status);
            Assert.Equal(session, afterKill.SentSessionId);
            await Eventually.TrueAsync(async () => !(await MembersAsync(canary.Client)).ContainsKey("node-stable"),
                TimeSpan.FromSeconds(10), "the killed node stayed in membership");

            var (_, record) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
            Assert.Equal(6, record.GetProperty("turnCount").GetInt32());
        }
        catch
        {
            output.WriteLine("stable output:\n" + stable.Output);
            output.WriteLine("canary output:\n" + canary.Output);
            throw;
        }
        Assert.DoesNotContain(BrokerHost.InboundToken, stable.Output + canary.Output);
    }

    [Fact]
    public async Task When_the_token_lease_holder_process_is_killed_the_other_node_takes_the_lease_after_the_TTL()
    {
        const int leaseTtlMs = 1500;
        await using var simulator = await SimulatorServer.StartAsync();
        var sim = simulator.Simulator;
        sim.RequireToken = true;
        Dictionary<string, string> Managed(string id, string channel)
        {
            var env = Node(simulator, id, channel);
            env["UPSTREAM_AUTH_MODE"] = "managed";
            env["TOKEN_LEASE_TTL_MS"] = leaseTtlMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["TOKEN_LEASE_HEARTBEAT_MS"] = "400";
            return env;
        }
        await using var stable = await NodeProcess.StartAsync(Managed("lease-stable", "stable"));
        await using var canary = await NodeProcess.StartAsync(Managed("lease-canary", "canary"));
        async Task<string?> HolderAsync(NodeProcess node)
        {
            var holder = (await ClusterChat.HealthAsync(node.Client)).Body.GetProperty("token").GetProperty("lease_holder");
            return holder.ValueKind == JsonValueKind.String ? holder.GetString() : null;
        }
        try
        {
            string? holderId = null;
            await Eventually.TrueAsync(async () => (holderId = await HolderAsync(stable)) is "lease-stable" or "lease-canary",
                TimeSpan.FromSeconds(20), "no node took the token lease within 20 s");
            var (holder, survivor, survivorId) = holderId == "lease-stable" ? (stable, canary, "lease-canary") : (canary, stable, "lease-stable");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            await holder.KillAsync();
            await Eventually.TrueAsync(async () => await HolderAsync(survivor) == survivorId,
                TimeSpan.FromMilliseconds(leaseTtlMs + 10_000), $"{survivorId} did not take the lease");
            var failover = clock.Elapsed;
            output.WriteLine($"lease failover after SIGKILL of {holderId}: {survivorId} held the lease after {failover.TotalMilliseconds:F0} ms " +
                $"(TTL {leaseTtlMs} ms, heartbeat 400 ms)");

            // The dead holder cannot release: the takeover waits for the TTL, plus at most a heartbeat, plus load.
            Assert.True(failover < TimeSpan.FromMilliseconds(leaseTtlMs + 3000), $"takeover took {failover.TotalMilliseconds:F0} ms");
            sim.RevokeAllTokens();
            var reply = await ClusterChat.SendAsync(survivor.Client, sim, new Conversation("after the holder died"));
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.DoesNotContain("sim-token-", stable.Output + canary.Output);
        }
        catch
        {
            output.WriteLine("stable output:\n" + stable.Output);
            output.WriteLine("canary output:\n" + canary.Output);
            throw;
        }
    }
}
