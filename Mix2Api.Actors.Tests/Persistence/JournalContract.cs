using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// The journal contract Akka's persistence TCK checks, written once for both of our journals: each spec that derives
/// from it runs every test here against its own journal, through the journal protocol.
/// </summary>
public abstract class JournalContract : TestKit
{
    protected static readonly TimeSpan Max = PersistenceProtocol.Max;

    protected JournalContract(Config config, ITestOutputHelper output) : base(config, output: output) => Id = NewId();

    protected JournalContract(ActorSystemSetup setup, ITestOutputHelper output) : base(setup, output: output) => Id = NewId();

    protected PersistenceProtocol Id { get; }

    protected IActorRef Journal => RedisPersistenceTestConfig.Journal(Sys);

    private PersistenceProtocol NewId() => new(RedisPersistenceTestConfig.Journal(Sys), RedisPersistenceTestConfig.SnapshotStore(Sys), CreateTestProbe(),
        RedisPersistenceTestConfig.NewPersistenceId());

    /// <summary>The time an event written between <paramref name="before"/> and <paramref name="after"/> (wall clock) must carry.</summary>
    protected abstract void AssertStampedWithTheWriteTime(long timestampTicks, DateTime before, DateTime after);

    [Fact]
    public async Task Replay_returns_every_event_in_order_and_the_highest_sequence_nr()
    {
        await Id.WriteEventsAsync(1, 5);

        var (events, highest) = await Id.ReplayAsync();

        Assert.Equal(["a-1", "a-2", "a-3", "a-4", "a-5"], events.Select(e => e.Payload));
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.SequenceNr));
        Assert.Equal(5, highest);
    }

    [Theory]
    [InlineData(3, long.MaxValue, long.MaxValue, "a-3,a-4,a-5")]
    [InlineData(1, 3, long.MaxValue, "a-1,a-2,a-3")]
    [InlineData(1, long.MaxValue, 2, "a-1,a-2")]
    [InlineData(2, 4, 2, "a-2,a-3")]
    [InlineData(2, 2, long.MaxValue, "a-2")]
    [InlineData(6, long.MaxValue, long.MaxValue, "")]
    [InlineData(1, long.MaxValue, 0, "")]
    public async Task Replay_honours_lower_bound_upper_bound_and_max_count(long from, long to, long max, string expected)
    {
        await Id.WriteEventsAsync(1, 5);

        var (events, highest) = await Id.ReplayAsync(from, to, max);

        Assert.Equal(expected, string.Join(',', events.Select(e => e.Payload)));
        Assert.Equal(5, highest);
    }

    [Fact]
    public async Task Replay_of_an_unknown_persistence_id_is_empty_with_highest_zero()
    {
        var (events, highest) = await Id.ReplayAsync();

        Assert.Empty(events);
        Assert.Equal(0, highest);
    }

    [Fact]
    public async Task Deleting_events_removes_them_from_replay_but_keeps_the_highest_sequence_nr()
    {
        await Id.WriteEventsAsync(1, 5);

        await Id.DeleteEventsToAsync(3);
        Assert.Equal(["a-4", "a-5"], await Id.PayloadsAsync());

        await Id.DeleteEventsToAsync(long.MaxValue);
        var (events, highest) = await Id.ReplayAsync();
        Assert.Empty(events);
        Assert.Equal(5, highest);
    }

    [Fact]
    public async Task A_multi_event_atomic_write_is_stored_as_one()
    {
        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(Id.Event(1), Id.Event(2), Id.Event(3))], probe.Ref, 1));

        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = 1; i <= 3; i++)
            await probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
        Assert.Equal(["a-1", "a-2", "a-3"], await Id.PayloadsAsync());
        Assert.Equal(3, (await Id.ReplayAsync()).Highest);
    }

    [Fact]
    public async Task An_event_keeps_its_payload_manifest_and_writer_is_stamped_with_the_write_time_and_keeps_neither_sender_nor_tags()
    {
        var probe = CreateTestProbe();
        var evt = new Persistent(new Tagged(new TestEvent("hello"), ["tag"]), 1, Id.PersistenceId, "m-1", false, probe.Ref, Id.WriterGuid);
        var before = DateTime.UtcNow;
        Journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(evt)], probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await probe.ExpectMsgAsync<WriteMessageSuccess>(Max);
        var after = DateTime.UtcNow;

        var replayed = Assert.Single((await Id.ReplayAsync()).Events);

        Assert.Equal(new TestEvent("hello"), replayed.Payload);
        Assert.Equal(("m-1", Id.WriterGuid, Id.PersistenceId), (replayed.Manifest, replayed.WriterGuid, replayed.PersistenceId));
        AssertStampedWithTheWriteTime(replayed.Timestamp, before, after);
        Assert.Same(ActorRefs.NoSender, replayed.Sender);
    }

    [Fact]
    public async Task A_persistent_actor_recovers_what_it_wrote_after_a_restart()
    {
        var log = Sys.ActorOf(EventLogActor.Props(Id.PersistenceId));
        await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("one"), Max);
        await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("two"), Max);
        Watch(log);
        log.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(log, Max);

        var again = await Sys.ActorOf(EventLogActor.Props(Id.PersistenceId)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);

        Assert.Equal(["one", "two"], again.Items);
        Assert.Equal(2, again.SequenceNr);
    }
}
