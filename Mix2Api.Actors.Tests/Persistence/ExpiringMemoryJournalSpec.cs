using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The journal contract Akka's persistence TCK checks, for the in-memory expiring journal (well within its TTL).</summary>
public sealed class ExpiringMemoryJournalSpec : TestKit
{
    private static readonly TimeSpan Max = PersistenceProtocol.Max;
    private readonly IActorRef _journal;
    private readonly PersistenceProtocol _id;

    private readonly TestTimeProvider _time;

    public ExpiringMemoryJournalSpec(ITestOutputHelper output) : this(new TestTimeProvider(), output)
    {
    }

    private ExpiringMemoryJournalSpec(TestTimeProvider time, ITestOutputHelper output)
        : base(ExpiringMemoryTestConfig.For(time, TimeSpan.FromMinutes(30)), output: output)
    {
        _time = time;
        _journal = RedisPersistenceTestConfig.Journal(Sys);
        _id = new PersistenceProtocol(_journal, RedisPersistenceTestConfig.SnapshotStore(Sys), CreateTestProbe(), RedisPersistenceTestConfig.NewPersistenceId());
    }

    [Fact]
    public void The_plugins_are_the_default_journal_and_snapshot_store()
    {
        Assert.Equal("akka.persistence.journal.memory", Sys.Settings.Config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.memory", Sys.Settings.Config.GetString("akka.persistence.snapshot-store.plugin"));
    }

    [Fact]
    public async Task Replay_returns_every_event_in_order_and_the_highest_sequence_nr()
    {
        await _id.WriteEventsAsync(1, 5);

        var (events, highest) = await _id.ReplayAsync();

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
        await _id.WriteEventsAsync(1, 5);

        var (events, highest) = await _id.ReplayAsync(from, to, max);

        Assert.Equal(expected, string.Join(',', events.Select(e => e.Payload)));
        Assert.Equal(5, highest);
    }

    [Fact]
    public async Task Replay_of_an_unknown_persistence_id_is_empty_with_highest_zero()
    {
        var (events, highest) = await _id.ReplayAsync();

        Assert.Empty(events);
        Assert.Equal(0, highest);
    }

    [Fact]
    public async Task Deleting_events_removes_them_from_replay_but_keeps_the_highest_sequence_nr()
    {
        await _id.WriteEventsAsync(1, 5);

        await _id.DeleteEventsToAsync(3);
        Assert.Equal(["a-4", "a-5"], await _id.PayloadsAsync());

        await _id.DeleteEventsToAsync(long.MaxValue);
        var (events, highest) = await _id.ReplayAsync();
        Assert.Empty(events);
        Assert.Equal(5, highest);
    }

    [Fact]
    public async Task A_multi_event_atomic_write_is_stored_as_one()
    {
        var probe = CreateTestProbe();
        _journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(_id.Event(1), _id.Event(2), _id.Event(3))], probe.Ref, 1));

        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = 1; i <= 3; i++)
            await probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
        Assert.Equal(["a-1", "a-2", "a-3"], await _id.PayloadsAsync());
        Assert.Equal(3, (await _id.ReplayAsync()).Highest);
    }

    [Fact]
    public async Task An_event_keeps_its_payload_manifest_and_writer_is_stamped_with_the_write_time_and_keeps_neither_sender_nor_tags()
    {
        var probe = CreateTestProbe();
        var evt = new Persistent(new Tagged(new TestEvent("hello"), ["tag"]), 1, _id.PersistenceId, "m-1", false, probe.Ref, _id.WriterGuid);
        _journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(evt)], probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await probe.ExpectMsgAsync<WriteMessageSuccess>(Max);

        var replayed = Assert.Single((await _id.ReplayAsync()).Events);

        Assert.Equal(new TestEvent("hello"), replayed.Payload);
        Assert.Equal(("m-1", _id.WriterGuid, _time.GetUtcNow().UtcTicks, _id.PersistenceId), (replayed.Manifest, replayed.WriterGuid, replayed.Timestamp, replayed.PersistenceId));
        Assert.Same(ActorRefs.NoSender, replayed.Sender);
    }

    [Fact]
    public async Task A_persistent_actor_recovers_what_it_wrote_after_a_restart()
    {
        var log = Sys.ActorOf(EventLogActor.Props(_id.PersistenceId));
        await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("one"), Max);
        await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("two"), Max);
        Watch(log);
        log.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(log, Max);

        var again = await Sys.ActorOf(EventLogActor.Props(_id.PersistenceId)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);

        Assert.Equal(["one", "two"], again.Items);
        Assert.Equal(2, again.SequenceNr);
    }

    [Fact]
    public void The_hosting_extension_refuses_a_ttl_that_is_not_positive()
    {
        var builder = new Akka.Hosting.AkkaConfigurationBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection(), "x");

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithExpiringMemoryPersistence(TimeSpan.Zero));
    }
}
