using Akka.Actor;
using Akka.Persistence;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The journal contract against a real redis-server, and what only a serializing, sequence-checking store with keys of its own can get wrong.</summary>
public sealed class RedisJournalSpec : JournalContract, IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;
    private readonly RedisPersistenceSettings _settings;

    public RedisJournalSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(redis, RedisPersistenceTestConfig.Settings(redis), output)
    {
    }

    private RedisJournalSpec(RedisServerFixture redis, RedisPersistenceSettings settings, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(settings), output)
    {
        _redis = redis;
        _settings = settings;
    }

    protected override void AssertStampedWithTheWriteTime(long timestampTicks, DateTime before, DateTime after) =>
        Assert.InRange(timestampTicks, before.Ticks, after.Ticks);

    [Fact]
    public async Task An_atomic_write_with_one_unserializable_event_stores_none_of_its_events()
    {
        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(Id.Event(1), Id.Event(2, new Unserializable("x")), Id.Event(3))], probe.Ref, 1));

        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = 1; i <= 3; i++)
            await probe.ExpectMsgAsync<WriteMessageRejected>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
        var (events, highest) = await Id.ReplayAsync();
        Assert.Empty(events);
        Assert.Equal(3, highest); // the sequence nrs are spent: the actor must not reuse them
    }

    [Fact]
    public async Task An_unserializable_event_is_rejected_and_the_writes_around_it_succeed()
    {
        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages(
            [PersistenceProtocol.Atomic(Id.Event(1)), PersistenceProtocol.Atomic(Id.Event(2, new Unserializable("x"))), PersistenceProtocol.Atomic(Id.Event(3))],
            probe.Ref, 1));

        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(1, m.Persistent.SequenceNr), Max);
        var rejected = await probe.ExpectMsgAsync<WriteMessageRejected>(Max);
        Assert.Equal(2, rejected.Persistent.SequenceNr);
        Assert.IsType<System.Runtime.Serialization.SerializationException>(rejected.Cause);
        await probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(3, m.Persistent.SequenceNr), Max);

        var (events, highest) = await Id.ReplayAsync();
        Assert.Equal(["a-1", "a-3"], events.Select(e => e.Payload));
        Assert.Equal(3, highest);
    }

    [Fact]
    public async Task An_out_of_sequence_write_is_refused_counted_and_leaves_the_stored_events_intact()
    {
        await Id.WriteEventsAsync(1, 3);
        var status = RedisPersistenceStatus.Get(Sys);
        var before = status.SequenceConflicts;
        var probe = CreateTestProbe();

        // A second writer that recovered at 2 and now writes 3: Redis already holds 3.
        Journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(Id.Event(3, "b-3"))], probe.Ref, 2));
        var failed = await probe.ExpectMsgAsync<WriteMessagesFailed>(Max);
        var conflict = Assert.IsType<SequenceConflictException>(failed.Cause);
        Assert.Equal(2, conflict.ExpectedSequenceNr);
        Assert.Equal(3, conflict.StoredSequenceNr);
        Assert.DoesNotContain(Id.PersistenceId, conflict.Message);
        await probe.ExpectMsgAsync<WriteMessageFailure>(Max);

        // Writing past a gap is refused as well: the writer's view is not what Redis holds.
        Journal.Tell(new WriteMessages([PersistenceProtocol.Atomic(Id.Event(5, "b-5"))], probe.Ref, 2));
        Assert.IsType<SequenceConflictException>((await probe.ExpectMsgAsync<WriteMessagesFailed>(Max)).Cause);
        await probe.ExpectMsgAsync<WriteMessageFailure>(Max);

        Assert.Equal(before + 2, status.SequenceConflicts);
        Assert.NotNull(status.LastConflictAt);
        var (events, highest) = await Id.ReplayAsync();
        Assert.Equal(["a-1", "a-2", "a-3"], events.Select(e => e.Payload));
        Assert.Equal(3, highest);
    }

    [Fact]
    public async Task Without_a_ttl_the_keys_do_not_expire()
    {
        await Id.WriteEventsAsync(1, 1);

        var keys = new RedisKeys(_settings.KeyPrefix, Id.PersistenceId);
        Assert.Equal("-1", await _redis.CommandAsync("PTTL", keys.Journal.ToString()));
        Assert.Equal("-1", await _redis.CommandAsync("PTTL", keys.Highest.ToString()));
    }
}
