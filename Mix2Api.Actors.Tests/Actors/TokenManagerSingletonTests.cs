using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Coordination;
using Mix2Api.Actors.Runtime;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The token manager singleton and its lease on real Redis.</summary>
public sealed class TokenManagerSingletonTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(400);
    private readonly RedisServerFixture _redis;
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly string _prefix = $"t{Guid.NewGuid():N}";
    private TokenEndpoint _endpoint = null!;

    public TokenManagerSingletonTests(RedisServerFixture redis) => _redis = redis;

    public async Task InitializeAsync() => _endpoint = await TokenEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    private string LeaseKey => $"{_prefix}:lease:token-manager";

    private async Task<(TokenManagerSingleton Actor, KeyValueLease Lease, IKeyValueStore Store)> NodeAsync(string nodeId)
    {
        var connection = await RedisStores.ConnectAsync(_redis);
        _cleanup.Add(connection);
        var store = RedisStores.Resilient(connection, TimeProvider.System);
        var options = new TokenOptions { ApiBase = _endpoint.BaseUrl, KeyPrefix = _prefix, LeaseTtl = LeaseTtl, LeaseHeartbeat = Heartbeat };
        var loggers = _logs.CreateFactory();
        var refresher = new TokenRefresher(store, new TokenFetcher(options, new HttpClient(), TimeProvider.System), options, nodeId, TimeProvider.System, loggers.CreateLogger<TokenRefresher>());
        var lease = new KeyValueLease(store, LeaseKey, new LeaseSettings("token-manager", nodeId, LeaseTtl, Heartbeat), TimeProvider.System);
        _cleanup.Add(lease);
        var actor = new TokenManagerSingleton(lease, refresher, options, new ActorSettings($"token-manager-{nodeId}") { Logger = loggers.CreateLogger<TokenManagerSingleton>() });
        return (actor, lease, store);
    }

    private static Task BecomesAsync(TokenManagerSingleton actor, TokenManagerState state, TimeSpan max)
        => Eventually.TrueAsync(() => actor.State == state, max, $"{actor.Name} never became {state} (is {actor.State})");

    [Fact]
    public async Task One_node_becomes_active_and_logs_in_while_the_other_waits()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        a.Actor.Start();
        await BecomesAsync(a.Actor, TokenManagerState.Active, TimeSpan.FromSeconds(5));
        b.Actor.Start();
        await _endpoint.LoginArrived(1);

        Assert.Equal(TokenManagerState.Acquiring, b.Actor.State);
        Assert.True(a.Lease.CheckLease());
        Assert.False(b.Lease.CheckLease());
        Assert.Equal("node-a", (await KeyValueLease.ReadHolderAsync(b.Store, LeaseKey, CancellationToken.None))!.Value.Owner);
        a.Actor.Stop();
        b.Actor.Stop();
    }

    [Fact]
    public async Task When_the_holder_dies_the_other_node_takes_over_within_the_lease_ttl()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        a.Actor.Start();
        await BecomesAsync(a.Actor, TokenManagerState.Active, TimeSpan.FromSeconds(5));
        b.Actor.Start();
        var fencingA = a.Lease.Fencing;

        a.Lease.Abandon(); // a crash: no release, no more heartbeats
        a.Actor.Stop();
        var died = DateTime.UtcNow;
        await BecomesAsync(b.Actor, TokenManagerState.Active, LeaseTtl * 4);

        Assert.True(b.Lease.Fencing > fencingA, "a later holder must carry a larger fencing number");
        Assert.True(DateTime.UtcNow - died < LeaseTtl + Heartbeat * 3, "takeover took longer than the lease TTL plus a retry");
        b.Actor.Stop();
    }

    [Fact]
    public async Task A_graceful_hand_over_releases_the_lease_at_once()
    {
        var a = await NodeAsync("node-a");
        a.Actor.Start();
        await BecomesAsync(a.Actor, TokenManagerState.Active, TimeSpan.FromSeconds(5));

        var reply = new Reply<bool>();
        await a.Actor.TellAsync(new HandOver(reply), CancellationToken.None);

        Assert.True(await reply.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        await a.Actor.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(await KeyValueLease.ReadHolderAsync(a.Store, LeaseKey, CancellationToken.None));
    }

    [Fact]
    public async Task A_lease_taken_by_someone_else_is_reported_lost_and_the_node_returns_to_acquiring()
    {
        var a = await NodeAsync("node-a");
        a.Actor.Start();
        await BecomesAsync(a.Actor, TokenManagerState.Active, TimeSpan.FromSeconds(5));

        await _redis.CommandAsync("SET", LeaseKey, "intruder|999999", "PX", "60000");

        await BecomesAsync(a.Actor, TokenManagerState.Acquiring, TimeSpan.FromSeconds(5));
        Assert.False(a.Lease.CheckLease());
        a.Actor.Stop();
    }

    [Theory]
    [InlineData(1000, 500)]
    [InlineData(1000, 900)]
    [InlineData(1000, 0)]
    public void Lease_timing_is_checked_at_start_up(int ttlMs, int heartbeatMs)
    {
        var settings = new LeaseSettings("token-manager", "node", TimeSpan.FromMilliseconds(ttlMs), TimeSpan.FromMilliseconds(heartbeatMs));
        var error = Assert.Throws<ArgumentException>(() => settings.Validate());
        Assert.Contains("TOKEN_LEASE_HEARTBEAT_MS", error.Message, StringComparison.Ordinal);
    }
}
