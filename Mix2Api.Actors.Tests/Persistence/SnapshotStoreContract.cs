using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// The snapshot store contract Akka's persistence TCK checks, written once for both of our stores: each spec that
/// derives from it runs every test here against its own store (and may look at the store's own bookkeeping).
/// </summary>
public abstract class SnapshotStoreContract : TestKit
{
    protected static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    protected SnapshotStoreContract(Config config, ITestOutputHelper output) : base(config, output: output) => Id = NewId();

    protected SnapshotStoreContract(ActorSystemSetup setup, ITestOutputHelper output) : base(setup, output: output) => Id = NewId();

    protected PersistenceProtocol Id { get; }

    private PersistenceProtocol NewId() => new(RedisPersistenceTestConfig.Journal(Sys), RedisPersistenceTestConfig.SnapshotStore(Sys), CreateTestProbe(),
        RedisPersistenceTestConfig.NewPersistenceId());

    /// <summary>How many snapshots of <see cref="Id"/> the store holds, where it can tell (a store that cannot checks nothing).</summary>
    protected virtual Task AssertStoredAsync(int count) => Task.CompletedTask;

    [Fact]
    public async Task Load_finds_nothing_when_nothing_was_saved()
    {
        var result = await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);

        Assert.Null(result.Snapshot);
        Assert.Equal(long.MaxValue, result.ToSequenceNr);
    }

    [Fact]
    public async Task Load_returns_the_latest_snapshot()
    {
        await SaveFiveAsync();

        var result = await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);

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

        var result = await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(maxSequenceNr, maxTimestamp), toSequenceNr);

        Assert.Equal(expected, result.Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Load_honours_min_sequence_nr_and_min_timestamp()
    {
        await SaveFiveAsync();

        Assert.Null((await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, minSequenceNr: 3))).Snapshot);
        Assert.Equal("s-4", (await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4, DateTime.MaxValue, minSequenceNr: 3))).Snapshot?.Snapshot);
        Assert.Null((await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, 0, T0.AddMinutes(3)))).Snapshot);
    }

    [Fact]
    public async Task Delete_by_metadata_without_timestamp_removes_that_sequence_nr_only()
    {
        await SaveFiveAsync();

        await Id.DeleteSnapshotAsync(new SnapshotMetadata(Id.PersistenceId, 5, DateTime.MinValue));

        Assert.Equal("s-4", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("s-1", (await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(1))).Snapshot?.Snapshot);
        await AssertStoredAsync(4);
    }

    [Fact]
    public async Task Delete_by_metadata_with_a_timestamp_older_than_the_snapshot_keeps_it()
    {
        await SaveFiveAsync();

        await Id.DeleteSnapshotAsync(new SnapshotMetadata(Id.PersistenceId, 5, T0.AddMinutes(4)));
        Assert.Equal("s-5", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        await Id.DeleteSnapshotAsync(Metadata(5));
        Assert.Equal("s-4", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Delete_by_criteria_removes_every_matching_snapshot()
    {
        await SaveFiveAsync();

        var criteria = new SnapshotSelectionCriteria(3, DateTime.MaxValue);
        await Id.DeleteSnapshotsAsync(criteria);

        Assert.Null((await Id.LoadSnapshotAsync(criteria)).Snapshot);
        Assert.Equal("s-5", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        // A timestamp bound narrows it: only snapshot 4 (saved at T0+4min) is old enough.
        await Id.DeleteSnapshotsAsync(new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(4)));
        Assert.Equal("s-5", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Null((await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4))).Snapshot);
        await AssertStoredAsync(1);
    }

    [Fact]
    public async Task Saving_again_at_the_same_sequence_nr_replaces_the_snapshot()
    {
        await Id.SaveSnapshotAsync(Metadata(7), "first");
        await Id.SaveSnapshotAsync(new SnapshotMetadata(Id.PersistenceId, 7, T0.AddMinutes(8)), "second");

        var latest = await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);
        Assert.Equal("second", latest.Snapshot.Snapshot);
        Assert.Equal(T0.AddMinutes(8), latest.Snapshot.Metadata.Timestamp);
        // Had the first stayed next to the second, a bound below the second's timestamp would find it.
        Assert.Null((await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(7)))).Snapshot);
        await AssertStoredAsync(1);
    }

    [Fact]
    public async Task Snapshots_saved_out_of_order_are_found_by_sequence_nr()
    {
        await Id.SaveSnapshotAsync(Metadata(5), "s-5");
        await Id.SaveSnapshotAsync(Metadata(2), "s-2");
        await Id.SaveSnapshotAsync(Metadata(3), "s-3");

        Assert.Equal("s-5", (await Id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("s-3", (await Id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4))).Snapshot?.Snapshot);
    }

    protected SnapshotMetadata Metadata(long sequenceNr) => new(Id.PersistenceId, sequenceNr, T0.AddMinutes(sequenceNr));

    protected async Task SaveFiveAsync()
    {
        for (var i = 1; i <= 5; i++) await Id.SaveSnapshotAsync(Metadata(i), $"s-{i}");
    }
}
