using System.Net;
using Xunit.Abstractions;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>Concurrent turns on one session key through two brokers that share one Redis: no lost update.</summary>
public sealed class SessionRaceTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    [Fact]
    public async Task Twenty_concurrent_turns_on_one_key_through_two_brokers_count_exactly_twenty()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        await using var a = await RedisBrokers.StartAsync(RedisBrokers.Settings(redis, _prefix, ("NODE_ID", "race-a")), simulator);
        await using var b = await RedisBrokers.StartAsync(RedisBrokers.Settings(redis, _prefix, ("NODE_ID", "race-b")), simulator);
        var key = new Dictionary<string, string> { ["x-session-key"] = "race" };
        var conversation = new Conversation("one shared upstream conversation");

        // Every turn names the same upstream session, so each completed turn must add exactly one to turnCount.
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            ClusterChat.SendAsync((i % 2 == 0 ? a : b).Client, simulator.Simulator, conversation, key, sessionId: "sess-shared")));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies, r => Assert.Equal("sess-shared", r.SentSessionId));
        var (_, record) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
        output.WriteLine($"final record: {record}");
        Assert.Equal("sess-shared", record.GetProperty("sessionId").GetString());
        Assert.Equal(20, record.GetProperty("turnCount").GetInt32());
        Assert.Equal(20, record.GetProperty("version").GetInt64());
    }
}
