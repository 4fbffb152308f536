using Akka.Actor;
using Akka.Persistence;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The snapshot store contract against a real redis-server, with the store's sorted set checked too, and what only a serializing store can get wrong.</summary>
public sealed class RedisSnapshotStoreSpec : SnapshotStoreContract, IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;
    private readonly RedisPersistenceSettings _settings;

    public RedisSnapshotStoreSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(redis, RedisPersistenceTestConfig.Settings(redis), output)
    {
    }

    private RedisSnapshotStoreSpec(RedisServerFixture redis, RedisPersistenceSettings settings, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(settings), output)
    {
        _redis = redis;
        _settings = settings;
    }

    protected override async Task AssertStoredAsync(int count)
        => Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await _redis.CommandAsync("ZCARD", new RedisKeys(_settings.KeyPrefix, Id.PersistenceId).Snapshot.ToString()));

    [Fact]
    public async Task A_large_snapshot_round_trips()
    {
        var large = new byte[1024 * 1024];
        new Random(7).NextBytes(large);

        await Id.SaveSnapshotAsync(Metadata(1), large);
        var result = await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);

        Assert.Equal(large, Assert.IsType<byte[]>(result.Snapshot.Snapshot));
    }

    [Fact]
    public async Task A_snapshot_round_trips_through_its_own_serializer_and_manifest()
    {
        await Id.SaveSnapshotAsync(Metadata(1), new TestEvent("state"));

        Assert.Equal(new TestEvent("state"), (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot.Snapshot);
    }

    [Fact]
    public async Task An_unserializable_snapshot_fails_to_save_and_stores_nothing()
    {
        RedisPersistenceTestConfig.SnapshotStore(Sys).Tell(new SaveSnapshot(Metadata(1), new Unserializable("x")), TestActor);
        await ExpectMsgAsync<SaveSnapshotFailure>(PersistenceProtocol.Max);

        Assert.Null((await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }
}
