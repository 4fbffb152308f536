using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// Stable and canary as two real host processes joined into one Akka cluster by CLUSTER_SEED_NODES, on one
/// redis-server and one upstream: a conversation may hop between them, and a SIGKILL of one node costs the next
/// turn at most the session ask timeout.
/// </summary>
[Collection(TimedProcessTests.Name)]
public sealed class TwoNodeClusterTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    // Above the 300 ms default: a loaded 2-core test machine must not turn a slow first remote ask into a failed assertion.
    private const int AskTimeoutMs = 1000;
    private readonly string _prefix = $"t{Guid.NewGuid():N}";
    private readonly int _stablePort = FreePort.Next();
    private readonly int _canaryPort = FreePort.Next();

    /// <summary>The environment the acceptance suite gives a node: both nodes listed as seeds, Redis as the store.</summary>
    private Dictionary<string, string> Node(SimulatorServer simulator, string nodeId, string channel) => new()
    {
        ["NODE_ID"] = nodeId,
        ["NODE_CHANNEL"] = channel,
        ["CLUSTER_HOSTNAME"] = "127.0.0.1",
        ["CLUSTER_PORT"] = (channel == "stable" ? _stablePort : _canaryPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CLUSTER_SEED_NODES"] = $"akka.tcp://mix2api@127.0.0.1:{_stablePort},akka.tcp://mix2api@127.0.0.1:{_canaryPort}",
        ["SESSION_ASK_TIMEOUT_MS"] = AskTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
        ["UPSTREAM_AUTH_MODE"] = "none",
        ["SESSION_STORE_MODE"] = "redis",
        ["REDIS_URL"] = redis.ConnectionString,
        ["REDIS_KEY_PREFIX"] = _prefix,
        ["REDIS_SESSION_PREFIX"] = _prefix + ":session",
        ["REDIS_COMMAND_TIMEOUT_MS"] = "2000",
    };

    private static async Task<List<JsonElement>> MembersAsync(NodeProcess node)
    {
        var (_, health) = await ClusterChat.HealthAsync(node.Client);
        return [.. health.GetProperty("members").EnumerateArray()];
    }

    private static async Task<bool> AllUpAsync(NodeProcess node, int count)
    {
        var members = await MembersAsync(node);
        return members.Count == count && members.All(m => m.GetProperty("status").GetString() == "up" && m.GetProperty("reachable").GetBoolean());
    }

    [Theory]
    [InlineData("stable")] // the oldest node: it also hosts the shard coordinator
    [InlineData("canary")]
    public async Task A_conversation_alternating_between_stable_and_canary_keeps_one_upstream_session_and_survives_either_node_killed(string killed)
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var sim = simulator.Simulator;
        // Started together, as a deployment does: the first seed (stable) forms the cluster, the canary joins it.
        var starting = new[] { NodeProcess.StartAsync(Node(simulator, "node-stable", "stable")), NodeProcess.StartAsync(Node(simulator, "node-canary", "canary")) };
        await Task.WhenAll(starting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await using var stable = await starting[0];
        await using var canary = await starting[1];
        try
        {
            await Eventually.TrueAsync(async () => await AllUpAsync(stable, 2) && await AllUpAsync(canary, 2),
                TimeSpan.FromSeconds(30), "the nodes did not form one cluster of two within 30 s");
            foreach (var node in new[] { stable, canary })
            {
                var (_, health) = await ClusterChat.HealthAsync(node.Client);
                var self = health.GetProperty("self").GetString();
                var channel = node == stable ? "stable" : "canary";
                var port = node == stable ? _stablePort : _canaryPort;
                Assert.Equal($"akka.tcp://mix2api@127.0.0.1:{port}", self);
                Assert.Equal(channel, health.GetProperty("channel").GetString());
                var members = health.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!, m => m);
                Assert.Equal("stable", members[$"akka.tcp://mix2api@127.0.0.1:{_stablePort}"].GetProperty("channel").GetString());
                Assert.Equal("canary", members[$"akka.tcp://mix2api@127.0.0.1:{_canaryPort}"].GetProperty("channel").GetString());
                Assert.Equal(["canary"], members[$"akka.tcp://mix2api@127.0.0.1:{_canaryPort}"].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
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
                Assert.DoesNotContain("[对话历史]", reply.UpstreamQuery);
            }

            var (victim, survivor) = killed == "stable" ? (stable, canary) : (canary, stable);
            var victimAddress = $"akka.tcp://mix2api@127.0.0.1:{(killed == "stable" ? _stablePort : _canaryPort)}";
            var clock = Stopwatch.StartNew();
            await victim.KillAsync();
            var afterKill = await ClusterChat.SendAsync(survivor.Client, sim, conversation.Next("answer 5", "question 6 after the kill"));
            var firstAnswer = clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, afterKill.Status);
            // Bounded: the session ask and the completion ask give up after the ask timeout each; the rest is a normal turn.
            Assert.True(firstAnswer < TimeSpan.FromMilliseconds(2 * AskTimeoutMs + 5_000), $"the first turn after the kill took {firstAnswer.TotalMilliseconds:F0} ms");

            await Eventually.TrueAsync(async () => (await MembersAsync(survivor)).All(m => m.GetProperty("address").GetString() != victimAddress),
                TimeSpan.FromSeconds(60), "the killed node was not downed and removed within 60 s");
            var removed = clock.Elapsed;

            // Once the shard has moved, the survivor's entity recovers the session from the shared journal.
            var (_, survivorHealth) = await ClusterChat.HealthAsync(survivor.Client);
            var sharedJournal = survivorHealth.GetProperty("journal").GetProperty("plugin").GetString() == "redis";
            ChatReply carried = afterKill;
            var turnNo = 7;
            await Eventually.TrueAsync(async () =>
            {
                carried = await ClusterChat.SendAsync(survivor.Client, sim, conversation.Next($"answer {turnNo - 1}", $"question {turnNo}"));
                turnNo++;
                return carried.Status == HttpStatusCode.OK && (sharedJournal ? carried.SentSessionId == session : !carried.UpstreamQuery.Contains("[对话历史]", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "the survivor did not serve the conversation from its session region again");
            var carriedAgain = clock.Elapsed;
            output.WriteLine($"SIGKILL of the {killed} node: first answer on the survivor after {firstAnswer.TotalMilliseconds:F0} ms " +
                $"(ask timeout {AskTimeoutMs} ms); {killed} downed and removed after {removed.TotalMilliseconds:F0} ms; " +
                (sharedJournal
                    ? $"session {session} carried again after {carriedAgain.TotalMilliseconds:F0} ms"
                    : $"journal is in memory per node: the survivor's region served the conversation again (new upstream session, continued after) after {carriedAgain.TotalMilliseconds:F0} ms"));
            output.WriteLine(afterKill.SentSessionId == session
                ? "the conversation's shard lived on the survivor: the first turn after the kill kept its session at once"
                : "the conversation's shard lived on the killed node: the first turn after the kill went without its session");
            if (sharedJournal)
            {
                Assert.Equal(session, carried.SentSessionId);
                // The turn that went on without the session while the shard moved is carried to it.
                if (afterKill.SentSessionId != session) Assert.Contains("question 6 after the kill", carried.UpstreamQuery);
            }
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
