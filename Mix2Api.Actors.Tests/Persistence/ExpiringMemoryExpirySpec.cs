using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// Without Redis a persistence id is gone <c>ttl</c> after its last write (events or snapshot), events, snapshots and
/// highest sequence nr alike, and its memory is freed, as the Redis keys expire. Time is driven, never waited for.
/// </summary>
public sealed class ExpiringMemoryExpirySpec : TestKit
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Max = PersistenceProtocol.Max;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private readonly TestTimeProvider _time;
    private readonly ExpiringMemoryStore _store;
    private readonly PersistenceProtocol _id;

    public ExpiringMemoryExpirySpec(ITestOutputHelper output) : this(new TestTimeProvider(), output)
    {
    }

    private ExpiringMemoryExpirySpec(TestTimeProvider time, ITestOutputHelper output)
        : base(ExpiringMemoryTestConfig.For(time, Ttl), output: output)
    {
        _time = time;
        _store = ExpiringMemoryStore.Get(Sys);
        _id = NewId();
    }

    private PersistenceProtocol NewId() => new(RedisPersistenceTestConfig.Journal(Sys), RedisPersistenceTestConfig.SnapshotStore(Sys), CreateTestProbe(),
        RedisPersistenceTestConfig.NewPersistenceId());

    private static SnapshotMetadata Metadata(PersistenceProtocol id, long sequenceNr) => new(id.PersistenceId, sequenceNr, DateTime.UtcNow);

    [Fact]
    public async Task Events_and_the_highest_sequence_nr_are_gone_once_the_ttl_since_the_last_write_has_passed()
    {
        await StartBetweenSweepsAsync();
        await _id.WriteEventsAsync(1, 3);

        _time.Advance(Ttl - Tick);
        Assert.Equal((3, 3L), await CountAndHighestAsync(_id));

        _time.Advance(Tick);
        Assert.Equal((0, 0L), await CountAndHighestAsync(_id));
    }

    [Fact]
    public async Task A_snapshot_is_gone_once_the_ttl_since_the_last_write_has_passed()
    {
        await StartBetweenSweepsAsync();
        await _id.SaveSnapshotAsync(Metadata(_id, 1), "s-1");

        _time.Advance(Ttl - Tick);
        Assert.Equal("s-1", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);

        _time.Advance(Tick);
        Assert.Null((await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }

    [Fact]
    public async Task An_event_write_renews_the_expiry_of_the_events_and_the_snapshots()
    {
        await StartBetweenSweepsAsync();
        await _id.WriteEventsAsync(1, 1);
        await _id.SaveSnapshotAsync(Metadata(_id, 1), "s-1");
        _time.Advance(Ttl - Tick);

        await _id.WriteEventsAsync(2, 2);
        _time.Advance(Ttl - Tick);

        Assert.Equal((2, 2L), await CountAndHighestAsync(_id));
        Assert.Equal("s-1", (await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot?.Snapshot);
        _time.Advance(Tick);
        Assert.Equal((0, 0L), await CountAndHighestAsync(_id));
        Assert.Null((await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }

    [Fact]
    public async Task A_snapshot_save_renews_the_expiry_of_the_journal()
    {
        await StartBetweenSweepsAsync();
        await _id.WriteEventsAsync(1, 2);
        _time.Advance(Ttl - Tick);

        await _id.SaveSnapshotAsync(Metadata(_id, 2), "s-2");
        _time.Advance(Ttl - Tick);

        Assert.Equal((2, 2L), await CountAndHighestAsync(_id));
    }

    [Fact]
    public async Task Reads_and_deletes_do_not_renew_the_expiry()
    {
        await StartBetweenSweepsAsync();
        await _id.WriteEventsAsync(1, 3);
        await _id.SaveSnapshotAsync(Metadata(_id, 1), "s-1");
        _time.Advance(Ttl - Tick);

        await _id.ReplayAsync();
        await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest);
        await _id.DeleteEventsToAsync(1);
        await _id.DeleteSnapshotsAsync(new SnapshotSelectionCriteria(0));
        _time.Advance(Tick);

        Assert.Equal((0, 0L), await CountAndHighestAsync(_id));
        Assert.Null((await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }

    [Fact]
    public async Task A_persistence_id_written_again_after_it_expired_starts_from_nothing()
    {
        await StartBetweenSweepsAsync();
        await _id.WriteEventsAsync(1, 3);
        await _id.SaveSnapshotAsync(Metadata(_id, 3), "s-3");
        _time.Advance(Ttl);
        Assert.Equal(1, _store.Count); // expired, not yet swept

        await _id.WriteEventsAsync(1, 1);

        var (events, highest) = await _id.ReplayAsync();
        Assert.Equal(["a-1"], events.Select(e => e.Payload));
        Assert.Equal(1, highest);
        Assert.Null((await _id.LoadSnapshotAsync(SnapshotSelectionCriteria.Latest)).Snapshot);
    }

    [Fact]
    public async Task A_persistent_actor_started_after_the_ttl_recovers_empty()
    {
        await StartBetweenSweepsAsync();
        var log = Sys.ActorOf(EventLogActor.Props(_id.PersistenceId));
        await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("one"), Max);
        Watch(log);
        log.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(log, Max);

        _time.Advance(Ttl);
        var again = await Sys.ActorOf(EventLogActor.Props(_id.PersistenceId)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);

        Assert.Empty(again.Items);
        Assert.Equal(0, again.SequenceNr);
    }

    [Fact]
    public async Task The_sweep_frees_every_expired_persistence_id_without_anyone_reading_it()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => NewId()).ToList();
        foreach (var id in ids) await id.WriteEventsAsync(1, 2);
        await ids[0].SaveSnapshotAsync(Metadata(ids[0], 2), "s-2");
        var fresh = NewId();
        _time.Advance(Ttl / 2);
        await fresh.WriteEventsAsync(1, 1);
        Assert.Equal(ids.Count + 1, _store.Count);

        // The journal's sweep timer fires on the advancing thread: no read, no wait.
        await _time.WhenArmedTimers(1);
        _time.Advance(Ttl / 2 + ExpiringMemoryJournal.SweepInterval(Ttl));

        Assert.Equal(1, _store.Count);
        Assert.Equal((1, 1L), await CountAndHighestAsync(fresh));
        _time.Advance(Ttl);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public void The_sweep_runs_every_ttl_but_at_least_every_30_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), ExpiringMemoryJournal.SweepInterval(TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(30), ExpiringMemoryJournal.SweepInterval(TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public async Task Writers_racing_the_sweep_never_lose_a_write()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => NewId()).ToList();
        foreach (var id in ids) await id.WriteEventsAsync(1, 1);
        _time.Advance(Ttl - Tick);

        // Every id is about to expire: the sweep (on this thread, below) and the writes (on the journal) interleave.
        var writes = ids.Select(id => id.WriteEventsAsync(2, 2)).ToList();
        _time.Advance(Tick);
        _store.Sweep();
        await Task.WhenAll(writes);

        // A write before the expiry renewed the id, one after started it afresh: either way it is there.
        foreach (var id in ids)
        {
            var (events, highest) = await id.ReplayAsync();
            Assert.Equal(2, highest);
            Assert.Contains("a-2", events.Select(e => e.Payload));
        }
    }

    /// <summary>
    /// Moves the clock off the sweep's beat, so what expires in a test expires between two sweeps: the test then sees
    /// the expiry itself (on read, on write), not the sweep's work.
    /// </summary>
    private async Task StartBetweenSweepsAsync()
    {
        await _time.WhenArmedTimers(1);
        _time.Advance(ExpiringMemoryJournal.SweepInterval(Ttl) / 3);
    }

    private static async Task<(int Count, long Highest)> CountAndHighestAsync(PersistenceProtocol id)
    {
        var (events, highest) = await id.ReplayAsync();
        return (events.Count, highest);
    }
}
