using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>Redis never keeps a persistence id's data past the TTL from its last write (events or snapshot).</summary>
public sealed class RedisPersistenceTtlSpec : TestKit, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly RedisServerFixture _redis;
    private readonly RedisKeys _keys;
    private readonly IActorRef _journal;
    private readonly IActorRef _store;
    private readonly TestProbe _probe;
    private readonly string _pid = RedisPersistenceTestConfig.NewPersistenceId();

    public RedisPersistenceTtlSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(redis, RedisPersistenceTestConfig.Settings(redis, Ttl), output)
    {
    }

    private RedisPersistenceTtlSpec(RedisServerFixture redis, RedisPersistenceSettings settings, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(settings), output: output)
    {
        _redis = redis;
        _keys = new RedisKeys(settings.KeyPrefix, _pid);
        _journal = RedisPersistenceTestConfig.Journal(Sys);
        _store = RedisPersistenceTestConfig.SnapshotStore(Sys);
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task Every_key_of_a_persistence_id_expires_within_the_ttl_of_its_last_write()
    {
        await WriteAsync(1);
        await SaveSnapshotAsync(1);

        foreach (var key in AllKeys)
        {
            var ttl = await PttlAsync(key);
            Assert.InRange(ttl, 1, (long)Ttl.TotalMilliseconds);
        }

        await Eventually.TrueAsync(async () => await _redis.CommandAsync(["EXISTS", .. AllKeys]) == "0", TimeSpan.FromSeconds(30),
            "the keys were still there long after the TTL");
        _journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, _pid, _probe.Ref));
        await _probe.ExpectMsgAsync<RecoverySuccess>(m => Assert.Equal(0, m.HighestSequenceNr), Max);
    }

    [Fact]
    public async Task An_event_write_refreshes_the_ttl_of_the_journal_and_the_snapshots()
    {
        await WriteAsync(1);
        await SaveSnapshotAsync(1);
        foreach (var key in AllKeys) await _redis.CommandAsync("PEXPIRE", key, "600000");

        await WriteAsync(2);

        foreach (var key in AllKeys)
            Assert.InRange(await PttlAsync(key), 1, (long)Ttl.TotalMilliseconds);
    }

    [Fact]
    public async Task A_snapshot_save_refreshes_the_ttl_of_the_journal()
    {
        await WriteAsync(1);
        foreach (var key in AllKeys) await _redis.CommandAsync("PEXPIRE", key, "600000");

        await SaveSnapshotAsync(1);

        foreach (var key in AllKeys)
            Assert.InRange(await PttlAsync(key), 1, (long)Ttl.TotalMilliseconds);
    }

    private string[] AllKeys => [.. _keys.All.Select(k => k.ToString())];

    private async Task<long> PttlAsync(string key) =>
        long.Parse(await _redis.CommandAsync("PTTL", key) ?? "-2", CultureInfo.InvariantCulture);

    private async Task WriteAsync(long sequenceNr)
    {
        var persistent = new Persistent($"e-{sequenceNr}", sequenceNr, _pid, "", false, ActorRefs.NoSender, "writer");
        _journal.Tell(new WriteMessages([new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(persistent))], _probe.Ref, 1));
        await _probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        await _probe.ExpectMsgAsync<WriteMessageSuccess>(Max);
    }

    private async Task SaveSnapshotAsync(long sequenceNr)
    {
        _store.Tell(new SaveSnapshot(new SnapshotMetadata(_pid, sequenceNr, DateTime.UtcNow), $"s-{sequenceNr}"), _probe.Ref);
        await _probe.ExpectMsgAsync<SaveSnapshotSuccess>(Max);
    }
}
