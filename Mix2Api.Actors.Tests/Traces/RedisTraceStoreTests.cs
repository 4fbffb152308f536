using Mix2Api.Tests.Cluster;
using Mix2Api.Tests.Support;
using StackExchange.Redis;

namespace Mix2Api.Tests.Traces;

/// <summary>With REDIS_URL, traces live in Redis with PEXPIRE = TRACE_RETENTION_MS, and every node reads them.</summary>
public sealed class RedisTraceStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Traces_are_shared_through_redis_and_expire_there()
    {
        var prefix = $"t{Guid.NewGuid():N}";
        var settings = RedisBrokers.Settings(redis, prefix, ("TRACE_SAMPLING_RATE", "1"), ("TRACE_RETENTION_MS", "60000"));
        var (a, adminA) = await AdminBroker.StartAsync(settings);
        await using var _ = a;
        var (b, adminB) = await AdminBroker.StartAsync(settings, a.Simulator);
        await using var __ = b;
        await RedisBrokers.WaitForRedisAsync(a.Client);
        await RedisBrokers.WaitForRedisAsync(b.Client);

        var response = await a.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("traced")));
        var requestId = ChatRequests.RequestId(response);
        await a.CompletedAsync(requestId);

        // Read through the other node: the trace is in Redis, not in node a's memory.
        var list = await AdminBroker.CtlAsync("traces", "list", "--json", "--node", adminB);
        Assert.Equal(0, list.Exit);
        var trace = list.Json.GetProperty("traces").EnumerateArray().Single(t => t.GetProperty("request_id").GetString() == requestId);
        var id = trace.GetProperty("trace_id").GetString()!;

        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync($"{prefix}:trace:{id}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // Redis deletes it at expiry; then no node lists or shows it.
        await mux.GetDatabase().KeyExpireAsync($"{prefix}:trace:{id}", TimeSpan.FromMilliseconds(1));
        await WaitGoneAsync(mux, $"{prefix}:trace:{id}");
        var after = await AdminBroker.CtlAsync("traces", "list", "--json", "--node", adminA, "--node", adminB);
        Assert.DoesNotContain(id, after.Out);
        Assert.Equal(1, (await AdminBroker.CtlAsync("traces", "show", id, "--node", adminB)).Exit);
    }

    private static async Task WaitGoneAsync(ConnectionMultiplexer mux, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await mux.GetDatabase().KeyExistsAsync(key))
        {
            Assert.True(DateTime.UtcNow < deadline, "Redis did not expire the trace");
            await Task.Yield();
        }
    }
}
