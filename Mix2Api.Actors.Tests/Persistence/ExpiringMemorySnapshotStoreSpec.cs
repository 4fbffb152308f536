using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The snapshot store contract Akka's persistence TCK checks, for the in-memory expiring store (well within its TTL).</summary>
public sealed class ExpiringMemorySnapshotStoreSpec : TestKit
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly PersistenceProtocol _id;

    public ExpiringMemorySnapshotStoreSpec(ITestOutputHelper output)
        : base(ExpiringMemoryTestConfig.For(new TestTimeProvider(), TimeSpan.FromMinutes(30)), output: output)
    {
        _id = new PersistenceProtocol(RedisPersistenceTestConfig.Journal(Sys), RedisPersistenceTestConfig.SnapshotStore(Sys), CreateTestProbe(),
            RedisPersistenceTestConfig.NewPersistenceId());
    }

    [Fact]
    public async Task Load_finds_nothing_when_nothing_was_saved()
    {
        var result = await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);

        Assert.Null(result.Snapshot);
        Assert.Equal(long.MaxValue, result.ToSequenceNr);
    }

    [Fact]
    public async Task Load_returns_the_latest_snapshot()
    {
        await SaveFiveAsync();

        var result = await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);

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

        var result = await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(maxSequenceNr, maxTimestamp), toSequenceNr);

        Assert.Equal(expected, result.Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Load_honours_min_sequence_nr_and_min_timestamp()
    {
        await SaveFiveAsync();

        Assert.Null((await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, minSequenceNr: 3))).Snapshot);
        Assert.Equal("s-4", (await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4, DateTime.MaxValue, minSequenceNr: 3))).Snapshot?.Snapshot);
        Assert.Null((await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(2, DateTime.MaxValue, 0, T0.AddMinutes(3)))).Snapshot);
    }

    [Fact]
    public async Task Delete_by_metadata_without_timestamp_removes_that_sequence_nr_only()
    {
        await SaveFiveAsync();

        await _id.DeleteSnapshotAsync(new SnapshotMetadata(_id.PersistenceId, 5, DateTime.MinValue));

        Assert.Equal("s-4", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("s-1", (await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(1))).Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Delete_by_metadata_with_a_timestamp_older_than_the_snapshot_keeps_it()
    {
        await SaveFiveAsync();

        await _id.DeleteSnapshotAsync(new SnapshotMetadata(_id.PersistenceId, 5, T0.AddMinutes(4)));
        Assert.Equal("s-5", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        await _id.DeleteSnapshotAsync(Metadata(5));
        Assert.Equal("s-4", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
    }

    [Fact]
    public async Task Delete_by_criteria_removes_every_matching_snapshot()
    {
        await SaveFiveAsync();

        var criteria = new SnapshotSelectionCriteria(3, DateTime.MaxValue);
        await _id.DeleteSnapshotsAsync(criteria);

        Assert.Null((await _id.LoadSnapshotAsync(criteria)).Snapshot);
        Assert.Equal("s-5", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        // A timestamp bound narrows it: only snapshot 4 (saved at T0+4min) is old enough.
        await _id.DeleteSnapshotsAsync(new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(4)));
        Assert.Equal("s-5", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Null((await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4))).Snapshot);
    }

    [Fact]
    public async Task Saving_again_at_the_same_sequence_nr_replaces_the_snapshot()
    {
        await _id.SaveSnapshotAsync(Metadata(7), "first");
        await _id.SaveSnapshotAsync(new SnapshotMetadata(_id.PersistenceId, 7, T0.AddMinutes(8)), "second");

        var latest = await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);
        Assert.Equal("second", latest.Snapshot.Snapshot);
        Assert.Equal(T0.AddMinutes(8), latest.Snapshot.Metadata.Timestamp);
        // Had the first stayed next to the second, a bound below the second's timestamp would find it.
        Assert.Null((await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(7)))).Snapshot);
    }

    [Fact]
    public async Task Snapshots_saved_out_of_order_are_found_by_sequence_nr()
    {
        await _id.SaveSnapshotAsync(Metadata(5), "s-5");
        await _id.SaveSnapshotAsync(Metadata(2), "s-2");
        await _id.SaveSnapshotAsync(Metadata(3), "s-3");

        Assert.Equal("s-5", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        Assert.Equal("s-3", (await _id.LoadSnapshotAsync(new SnapshotSelectionCriteria(4))).Snapshot?.Snapshot);
    }

    private SnapshotMetadata Metadata(long sequenceNr) => new(_id.PersistenceId, sequenceNr, T0.AddMinutes(sequenceNr));

    private async Task SaveFiveAsync()
    {
        for (var i = 1; i <= 5; i++) await _id.SaveSnapshotAsync(Metadata(i), $"s-{i}");
    }
}
