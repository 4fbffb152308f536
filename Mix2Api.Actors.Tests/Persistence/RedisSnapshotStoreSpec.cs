using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The snapshot store contract Akka's persistence TCK checks, against a real redis-server.</summary>
public sealed class RedisSnapshotStoreSpec : TestKit, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly RedisServerFixture _redis;
    private readonly RedisPersistenceSettings _settings;
    private readonly IActorRef _store;
    private readonly TestProbe _probe;
    private readonly string _pid = RedisPersistenceTestConfig.NewPersistenceId();

    public RedisSnapshotStoreSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(redis, RedisPersistenceTestConfig.Settings(redis), output)
    {
    }

    private RedisSnapshotStoreSpec(RedisServerFixture redis, RedisPersistenceSettings settings, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(settings), output: output)
    {
        _redis = redis;
        _settings = settings;
        _store = RedisPersistenceTestConfig.SnapshotStore(Sys);
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task Load_finds_nothing_when_nothing_was_saved()
    {
        var result = await LoadAsync(SnapshotSelectionCriteria.Latest);

        Assert.Null(result.Snapshot);
        Assert.Equal(long.MaxValue, result.ToSequenceNr);
    }

    [Fact]
    public async Task Load_returns_the_latest_snapshot()
    {
        await SaveFiveAsync();

        var result = await LoadAsync(SnapshotSelectionCriteria.Latest);

        Assert.Equal("s-5", result.Snapshot.Snapshot);
        Assert.Equal(Metadata(5), result.Snapshot.Metadata);
    }

    [Theory]
    [InlineData(3, long.MaxValue, 0, "s-3")]
    [InlineData(long.MaxValue, 2, 0, "s-2")]
    [InlineData(3, 4, 0, "s-3")]
    [InlineData(long.MaxValue, long.MaxValue, 4, "s-4")]
    [InlineData(0, long.MaxValue, 0, null)]
    public async Task Load_honours_max_sequence_nr_max_timestamp_and_to_sequence_nr(long maxSequenceNr, long toSequenceNr, int maxTimestampMinutes, string? expected)
    {
        await SaveFiveAsync();
        var maxTimestamp = maxTimestampMinutes == 0 ? DateTime.MaxValue : T0.AddMinutes(maxTimestampMinutes);

        var result = await LoadAsync(new SnapshotSelectionCriteria(maxSequenceNr, maxTimestamp), toSequenceNr);

        Assert.Equal(expected, result.Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Load_honours_min_sequence_nr_and_min_timestamp()
    {
        await SaveFiveAsync();

        Assert.Null((await LoadAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, minSequenceNr: 3))).Snapshot);
        Assert.Equal("s-4", (await LoadAsync(new SnapshotSelectionCriteria(4, DateTime.MaxValue, minSequenceNr: 3))).Snapshot?.Snapshot);
        Assert.Null((await LoadAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, 0, T0.AddMinutes(3)))).Snapshot);
    }

    [Fact]
    public async Task Delete_by_metadata_without_timestamp_removes_that_sequence_nr_only()
    {
        await SaveFiveAsync();

        var command = new DeleteSnapshot(new SnapshotMetadata(_pid, 5, DateTime.MinValue));
        _store.Tell(command, _probe.Ref);
        await _probe.ExpectMsgAsync<DeleteSnapshotSuccess>(Max);

        Assert.Equal("s-4", (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("4", await _redis.CommandAsync("ZCARD", new RedisKeys(_settings.KeyPrefix, _pid).Snapshot.ToString()));
    }

    [Fact]
    public async Task Delete_by_metadata_with_a_timestamp_older_than_the_snapshot_keeps_it()
    {
        await SaveFiveAsync();

        _store.Tell(new DeleteSnapshot(new SnapshotMetadata(_pid, 5, T0.AddMinutes(4))), _probe.Ref);
        await _probe.ExpectMsgAsync<DeleteSnapshotSuccess>(Max);
        Assert.Equal("s-5", (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        _store.Tell(new DeleteSnapshot(Metadata(5)), _probe.Ref);
        await _probe.ExpectMsgAsync<DeleteSnapshotSuccess>(Max);
        Assert.Equal("s-4", (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Delete_by_criteria_removes_every_matching_snapshot()
    {
        await SaveFiveAsync();

        var criteria = new SnapshotSelectionCriteria(3, DateTime.MaxValue);
        _store.Tell(new DeleteSnapshots(_pid, criteria), _probe.Ref);
        await _probe.ExpectMsgAsync<DeleteSnapshotsSuccess>(m => Assert.Equal(criteria, m.Criteria), Max);

        Assert.Null((await LoadAsync(criteria)).Snapshot);
        Assert.Equal("s-5", (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        // A timestamp bound narrows it: only snapshot 4 (saved at T0+4min) is old enough.
        _store.Tell(new DeleteSnapshots(_pid, new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(4))), _probe.Ref);
        await _probe.ExpectMsgAsync<DeleteSnapshotsSuccess>(Max);
        Assert.Equal("s-5", (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("1", await _redis.CommandAsync("ZCARD", new RedisKeys(_settings.KeyPrefix, _pid).Snapshot.ToString()));
    }

    [Fact]
    public async Task Saving_again_at_the_same_sequence_nr_replaces_the_snapshot()
    {
        await SaveAsync(Metadata(7), "first");
        await SaveAsync(new SnapshotMetadata(_pid, 7, T0.AddMinutes(8)), "second");

        var result = await LoadAsync(SnapshotSelectionCriteria.Latest);

        Assert.Equal("second", result.Snapshot.Snapshot);
        Assert.Equal(T0.AddMinutes(8), result.Snapshot.Metadata.Timestamp);
        Assert.Equal("1", await _redis.CommandAsync("ZCARD", new RedisKeys(_settings.KeyPrefix, _pid).Snapshot.ToString()));
    }

    [Fact]
    public async Task A_large_snapshot_round_trips()
    {
        var large = new byte[1024 * 1024];
        new Random(7).NextBytes(large);

        await SaveAsync(Metadata(1), large);
        var result = await LoadAsync(SnapshotSelectionCriteria.Latest);

        Assert.Equal(large, Assert.IsType<byte[]>(result.Snapshot.Snapshot));
    }

    [Fact]
    public async Task A_snapshot_round_trips_through_its_own_serializer_and_manifest()
    {
        await SaveAsync(Metadata(1), new TestEvent("state"));

        Assert.Equal(new TestEvent("state"), (await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot.Snapshot);
    }

    [Fact]
    public async Task An_unserializable_snapshot_fails_to_save_and_stores_nothing()
    {
        _store.Tell(new SaveSnapshot(Metadata(1), new Unserializable("x")), _probe.Ref);
        await _probe.ExpectMsgAsync<SaveSnapshotFailure>(Max);

        Assert.Null((await LoadAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }

    private SnapshotMetadata Metadata(long sequenceNr) => new(_pid, sequenceNr, T0.AddMinutes(sequenceNr));

    private async Task SaveFiveAsync()
    {
        for (var i = 1; i <= 5; i++) await SaveAsync(Metadata(i), $"s-{i}");
    }

    private async Task SaveAsync(SnapshotMetadata metadata, object snapshot)
    {
        _store.Tell(new SaveSnapshot(metadata, snapshot), _probe.Ref);
        await _probe.ExpectMsgAsync<SaveSnapshotSuccess>(m => Assert.Equal(metadata, m.Metadata), Max);
    }

    private async Task<LoadSnapshotResult> LoadAsync(SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        _store.Tell(new LoadSnapshot(_pid, criteria, toSequenceNr), _probe.Ref);
        return await _probe.ExpectMsgAsync<LoadSnapshotResult>(Max);
    }
}
