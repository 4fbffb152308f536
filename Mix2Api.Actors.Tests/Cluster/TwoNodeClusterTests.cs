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
}
