using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The journal contract Akka's persistence TCK checks, against a real redis-server, through the journal protocol.</summary>
public sealed class RedisJournalSpec : TestKit, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);
    private readonly RedisServerFixture _redis;
    private readonly RedisPersistenceSettings _settings;
    private readonly IActorRef _journal;
    private readonly TestProbe _probe;
    private readonly string _pid = RedisPersistenceTestConfig.NewPersistenceId();
    private readonly string _writerGuid = Guid.NewGuid().ToString();

    public RedisJournalSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(redis, RedisPersistenceTestConfig.Settings(redis), output)
    {
    }

    private RedisJournalSpec(RedisServerFixture redis, RedisPersistenceSettings settings, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(settings), output: output)
    {
        _redis = redis;
        _settings = settings;
        _journal = RedisPersistenceTestConfig.Journal(Sys);
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task Replay_returns_every_event_in_order_and_the_highest_sequence_nr()
    {
        await WriteEventsAsync(1, 5);

        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);

        Assert.Equal(["a-1", "a-2", "a-3", "a-4", "a-5"], replayed.Payloads);
        Assert.Equal([1L, 2, 3, 4, 5], replayed.SequenceNrs);
        Assert.Equal(5, replayed.Highest);
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
        await WriteEventsAsync(1, 5);

        var replayed = await ReplayAsync(from, to, max);

        Assert.Equal(expected, string.Join(',', replayed.Payloads));
        Assert.Equal(5, replayed.Highest);
    }

    [Fact]
    public async Task Replay_of_an_unknown_persistence_id_is_empty_with_highest_zero()
    {
        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);

        Assert.Empty(replayed.Payloads);
        Assert.Equal(0, replayed.Highest);
    }

    [Fact]
    public async Task Deleting_events_removes_them_from_replay_but_keeps_the_highest_sequence_nr()
    {
        await WriteEventsAsync(1, 5);

        _journal.Tell(new DeleteMessagesTo(_pid, 3, _probe.Ref));
        await _probe.ExpectMsgAsync<DeleteMessagesSuccess>(m => Assert.Equal(3, m.ToSequenceNr), Max);
        Assert.Equal(["a-4", "a-5"], (await ReplayAsync(1, long.MaxValue, long.MaxValue)).Payloads);

        _journal.Tell(new DeleteMessagesTo(_pid, long.MaxValue, _probe.Ref));
        await _probe.ExpectMsgAsync<DeleteMessagesSuccess>(Max);
        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);
        Assert.Empty(replayed.Payloads);
        Assert.Equal(5, replayed.Highest);
    }

    [Fact]
    public async Task A_multi_event_atomic_write_is_stored_as_one()
    {
        _journal.Tell(new WriteMessages([Atomic(Event(1), Event(2), Event(3))], _probe.Ref, 1));

        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = 1; i <= 3; i++)
            await _probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
        Assert.Equal(["a-1", "a-2", "a-3"], (await ReplayAsync(1, long.MaxValue, long.MaxValue)).Payloads);
    }

    [Fact]
    public async Task An_atomic_write_with_one_unserializable_event_stores_none_of_its_events()
    {
        _journal.Tell(new WriteMessages([Atomic(Event(1), Event(2, new Unserializable("x")), Event(3))], _probe.Ref, 1));

        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = 1; i <= 3; i++)
            await _probe.ExpectMsgAsync<WriteMessageRejected>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);
        Assert.Empty(replayed.Payloads);
        Assert.Equal(3, replayed.Highest); // the sequence nrs are spent: the actor must not reuse them
    }

    [Fact]
    public async Task An_unserializable_event_is_rejected_and_the_writes_around_it_succeed()
    {
        _journal.Tell(new WriteMessages(
            [Atomic(Event(1)), Atomic(Event(2, new Unserializable("x"))), Atomic(Event(3))], _probe.Ref, 1));

        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await _probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(1, m.Persistent.SequenceNr), Max);
        var rejected = await _probe.ExpectMsgAsync<WriteMessageRejected>(Max);
        Assert.Equal(2, rejected.Persistent.SequenceNr);
        Assert.IsType<System.Runtime.Serialization.SerializationException>(rejected.Cause);
        await _probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(3, m.Persistent.SequenceNr), Max);

        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);
        Assert.Equal(["a-1", "a-3"], replayed.Payloads);
        Assert.Equal(3, replayed.Highest);
    }

    [Fact]
    public async Task An_event_round_trips_through_its_own_serializer_and_manifest()
    {
        _journal.Tell(new WriteMessages([Atomic(Event(1, new TestEvent("hello")))], _probe.Ref, 1));
        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await _probe.ExpectMsgAsync<WriteMessageSuccess>(Max);

        _journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, _pid, _probe.Ref));
        var replayed = await _probe.ExpectMsgAsync<ReplayedMessage>(Max);
        await _probe.ExpectMsgAsync<RecoverySuccess>(Max);

        Assert.Equal(new TestEvent("hello"), replayed.Persistent.Payload);
        Assert.Equal(_pid, replayed.Persistent.PersistenceId);
        Assert.Equal(_writerGuid, replayed.Persistent.WriterGuid);
        Assert.True(replayed.Persistent.Timestamp > 0);
    }

    [Fact]
    public async Task An_out_of_sequence_write_is_refused_counted_and_leaves_the_stored_events_intact()
    {
        await WriteEventsAsync(1, 3);
        var status = RedisPersistenceStatus.Get(Sys);
        var before = status.SequenceConflicts;

        // A second writer that recovered at 2 and now writes 3: Redis already holds 3.
        _journal.Tell(new WriteMessages([Atomic(Event(3, "b-3"))], _probe.Ref, 2));
        var failed = await _probe.ExpectMsgAsync<WriteMessagesFailed>(Max);
        var conflict = Assert.IsType<SequenceConflictException>(failed.Cause);
        Assert.Equal(2, conflict.ExpectedSequenceNr);
        Assert.Equal(3, conflict.StoredSequenceNr);
        Assert.DoesNotContain(_pid, conflict.Message);
        await _probe.ExpectMsgAsync<WriteMessageFailure>(Max);

        // Writing past a gap is refused as well: the writer's view is not what Redis holds.
        _journal.Tell(new WriteMessages([Atomic(Event(5, "b-5"))], _probe.Ref, 2));
        Assert.IsType<SequenceConflictException>((await _probe.ExpectMsgAsync<WriteMessagesFailed>(Max)).Cause);
        await _probe.ExpectMsgAsync<WriteMessageFailure>(Max);

        Assert.Equal(before + 2, status.SequenceConflicts);
        Assert.NotNull(status.LastConflictAt);
        var replayed = await ReplayAsync(1, long.MaxValue, long.MaxValue);
        Assert.Equal(["a-1", "a-2", "a-3"], replayed.Payloads);
        Assert.Equal(3, replayed.Highest);
    }

    [Fact]
    public async Task Without_a_ttl_the_keys_do_not_expire()
    {
        await WriteEventsAsync(1, 1);

        var keys = new RedisKeys(_settings.KeyPrefix, _pid);
        Assert.Equal("-1", await _redis.CommandAsync("PTTL", keys.Journal.ToString()));
        Assert.Equal("-1", await _redis.CommandAsync("PTTL", keys.Highest.ToString()));
    }

    private async Task WriteEventsAsync(int from, int to)
    {
        var writes = Enumerable.Range(from, to - from + 1).Select(i => (IPersistentEnvelope)Atomic(Event(i))).ToList();
        _journal.Tell(new WriteMessages(writes, _probe.Ref, 1));
        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = from; i <= to; i++)
            await _probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
    }

    private async Task<(List<object> Payloads, List<long> SequenceNrs, long Highest)> ReplayAsync(long from, long to, long max)
    {
        _journal.Tell(new ReplayMessages(from, to, max, _pid, _probe.Ref));
        var payloads = new List<object>();
        var sequenceNrs = new List<long>();
        while (true)
        {
            var message = await _probe.ReceiveOneAsync(Max) ?? throw new TimeoutException("no replay reply");
            switch (message)
            {
                case ReplayedMessage replayed:
                    payloads.Add(replayed.Persistent.Payload);
                    sequenceNrs.Add(replayed.Persistent.SequenceNr);
                    break;
                case RecoverySuccess success:
                    return (payloads, sequenceNrs, success.HighestSequenceNr);
                default:
                    throw new InvalidOperationException($"unexpected replay reply {message}");
            }
        }
    }

    private static AtomicWrite Atomic(params Persistent[] events) => new(events.ToImmutableList<IPersistentRepresentation>());

    private Persistent Event(long sequenceNr, object? payload = null) =>
        new(payload ?? $"a-{sequenceNr}", sequenceNr, _pid, "", false, ActorRefs.NoSender, _writerGuid);
}
