using System.Net;
using System.Text.Json;
using Mix2Api.Tests.Cluster;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>/health as SPEC §7.3 shapes it, on a real one-node cluster: the Node adapter's fields plus the cluster and the journal.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_lists_this_node_as_the_one_up_member_with_its_channel_and_the_journal()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["NODE_CHANNEL"] = "canary" });
        var reply = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, new Conversation("count me"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);

        var (status, health) = await ClusterChat.HealthAsync(broker.Client);
        var (readyStatus, ready) = await ClusterChat.HealthAsync(broker.Client, "health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("ok", "mix2api", "canary"), (health.GetProperty("status").GetString(), health.GetProperty("service").GetString(), health.GetProperty("channel").GetString()));
        Assert.Equal(("memory", false), (health.GetProperty("session_store").GetProperty("mode").GetString(), health.GetProperty("session_store").GetProperty("degraded").GetBoolean()));
        Assert.Equal(("inmem", "ok"), (health.GetProperty("journal").GetProperty("plugin").GetString(), health.GetProperty("journal").GetProperty("status").GetString()));
        var self = health.GetProperty("self").GetString()!;
        Assert.StartsWith("akka.tcp://mix2api@127.0.0.1:", self, StringComparison.Ordinal);
        var member = Assert.Single(health.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("address").GetString());
        Assert.Equal(["canary"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(("canary", "up", true), (member.GetProperty("channel").GetString(), member.GetProperty("status").GetString(), member.GetProperty("reachable").GetBoolean()));
        Assert.Equal(JsonValueKind.String, health.GetProperty("singleton_node").ValueKind);
        Assert.True(health.GetProperty("active_sessions").GetInt32() >= 1, "the conversation's entity (and the start-up probe's) live on this node");
        Assert.Equal((HttpStatusCode.OK, "ready"), (readyStatus, ready.GetProperty("status").GetString()));
    }
}
