using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;

namespace Mix2Api.Tests.Persistence;

/// <summary>One persistence id spoken to through the journal and snapshot store protocol, as a persistent actor would.</summary>
public sealed class PersistenceProtocol(IActorRef journal, IActorRef snapshots, TestProbe probe, string persistenceId)
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(15);

    public string PersistenceId { get; } = persistenceId;

    public string WriterGuid { get; } = Guid.NewGuid().ToString();

    /// <summary>Writes events <paramref name="from"/>..<paramref name="to"/> (payload <c>a-n</c>), one atomic write each.</summary>
    public async Task WriteEventsAsync(long from, long to)
    {
        var writes = new List<IPersistentEnvelope>();
        for (var i = from; i <= to; i++) writes.Add(Atomic(Event(i)));
        journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Max);
        for (var i = from; i <= to; i++)
            await probe.ExpectMsgAsync<WriteMessageSuccess>(m => Assert.Equal(i, m.Persistent.SequenceNr), Max);
    }

    public async Task<(List<IPersistentRepresentation> Events, long Highest)> ReplayAsync(long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        journal.Tell(new ReplayMessages(from, to, max, PersistenceId, probe.Ref));
        var events = new List<IPersistentRepresentation>();
        while (true)
        {
            var message = await probe.ReceiveOneAsync(Max) ?? throw new TimeoutException("no replay reply");
            switch (message)
            {
                case ReplayedMessage replayed:
                    events.Add(replayed.Persistent);
                    break;
                case RecoverySuccess success:
                    return (events, success.HighestSequenceNr);
                default:
                    throw new InvalidOperationException($"unexpected replay reply {message}");
            }
        }
    }

    public async Task<List<object>> PayloadsAsync() => [.. (await ReplayAsync()).Events.Select(e => e.Payload)];

    public async Task DeleteEventsToAsync(long toSequenceNr)
    {
        journal.Tell(new DeleteMessagesTo(PersistenceId, toSequenceNr, probe.Ref));
        await probe.ExpectMsgAsync<DeleteMessagesSuccess>(m => Assert.Equal(toSequenceNr, m.ToSequenceNr), Max);
    }

    public async Task SaveSnapshotAsync(SnapshotMetadata metadata, object snapshot)
    {
        snapshots.Tell(new SaveSnapshot(metadata, snapshot), probe.Ref);
        await probe.ExpectMsgAsync<SaveSnapshotSuccess>(m => Assert.Equal(metadata, m.Metadata), Max);
    }

    public async Task<LoadSnapshotResult> LoadSnapshotAsync(SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        snapshots.Tell(new LoadSnapshot(PersistenceId, criteria, toSequenceNr), probe.Ref);
        return await probe.ExpectMsgAsync<LoadSnapshotResult>(Max);
    }

    public async Task DeleteSnapshotAsync(SnapshotMetadata metadata)
    {
        snapshots.Tell(new DeleteSnapshot(metadata), probe.Ref);
        await probe.ExpectMsgAsync<DeleteSnapshotSuccess>(Max);
    }

    public async Task DeleteSnapshotsAsync(SnapshotSelectionCriteria criteria)
    {
        snapshots.Tell(new DeleteSnapshots(PersistenceId, criteria), probe.Ref);
        await probe.ExpectMsgAsync<DeleteSnapshotsSuccess>(m => Assert.Equal(criteria, m.Criteria), Max);
    }

    public static AtomicWrite Atomic(params Persistent[] events) => new(events.ToImmutableList<IPersistentRepresentation>());

    public Persistent Event(long sequenceNr, object? payload = null, IActorRef? sender = null, long timestamp = 0) =>
        new(payload ?? $"a-{sequenceNr}", sequenceNr, PersistenceId, "", false, sender ?? ActorRefs.NoSender, WriterGuid, timestamp);
}
