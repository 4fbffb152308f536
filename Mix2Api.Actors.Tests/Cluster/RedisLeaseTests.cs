using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using Mix2Api.Actors.Cluster;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>The split brain resolver's lease on a real redis-server: one holder at a time, released, lost when taken.</summary>
public sealed class RedisLeaseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("lease", AkkaTestConfig.Local());
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    private RedisLease Lease(string owner, int heartbeatSeconds = 2)
    {
        var config = ConfigurationFactory.ParseString($$"""
            lease-class = "{{typeof(RedisLease).AssemblyQualifiedName}}"
            heartbeat-timeout = 20s
            heartbeat-interval = {{heartbeatSeconds}}s
            lease-operation-timeout = 5s
            redis-url = "{{redis.ConnectionString}}"
            key-prefix = "{{_prefix}}"
            """);
        var settings = new LeaseSettings("sbr", owner, new TimeoutSettings(TimeSpan.FromSeconds(heartbeatSeconds), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5)), config);
        return new RedisLease(settings, (ExtendedActorSystem)_system);
    }

    [Fact]
    public async Task One_owner_holds_the_lease_until_it_releases_it()
    {
        using var a = Lease("node-a");
        using var b = Lease("node-b");

        Assert.True(await a.Acquire());
        Assert.True(a.CheckLease());
        Assert.True(await a.Acquire()); // re-acquiring one's own lease extends it
        Assert.False(await b.Acquire());
        Assert.False(b.CheckLease());

        Assert.True(await a.Release());
        Assert.False(a.CheckLease());
        Assert.True(await b.Acquire());
        Assert.Equal("node-b", await redis.CommandAsync("GET", $"{_prefix}:sbr-lease:sbr"));
        Assert.True(await b.Release());
    }

    [Fact]
    public async Task A_holder_whose_lease_was_taken_learns_it_at_the_next_heartbeat()
    {
        using var a = Lease("node-a", heartbeatSeconds: 1);
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(ex => lost.TrySetResult(ex)));

        await redis.CommandAsync("SET", $"{_prefix}:sbr-lease:sbr", "someone-else");

        Assert.IsType<LeaseException>(await lost.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.False(a.CheckLease());
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
