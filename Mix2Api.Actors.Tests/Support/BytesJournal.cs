using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Mix2Api.Tests.Support;

/// <summary>
/// An in-memory journal that keeps what a real journal keeps: serialized bytes with their serializer id and
/// manifest, decoded again on replay. So the session serializer runs as it does on Redis, and a test can plant
/// bytes that no current writer produces (an unknown schemaVersion, corrupt JSON).
/// </summary>
public sealed class BytesJournal : AsyncWriteJournal
{
    public const string PluginId = "akka.persistence.journal.bytes";

    public static string Config => $$"""
        akka.persistence.journal.plugin = "{{PluginId}}"
        akka.persistence.journal.bytes {
          class = "{{typeof(BytesJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private sealed record Entry(long SequenceNr, int SerializerId, string Manifest, byte[] Bytes);

    /// <summary>Shared by every actor system of the test process; persistence ids are unique per test.</summary>
    private static readonly ConcurrentDictionary<string, List<Entry>> Store = new();

    /// <summary>Plants a raw event, as if a writer of another version had written it.</summary>
    public static void Plant(string persistenceId, long sequenceNr, int serializerId, string manifest, byte[] bytes)
    {
        var list = Store.GetOrAdd(persistenceId, _ => []);
        lock (list) list.Add(new Entry(sequenceNr, serializerId, manifest, bytes));
    }

    public static int Count(string persistenceId) => Store.TryGetValue(persistenceId, out var list) ? list.Count : 0;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var serialization = Context.System.Serialization;
        foreach (var write in messages)
        {
            var list = Store.GetOrAdd(write.PersistenceId, _ => []);
            foreach (var p in (IImmutableList<IPersistentRepresentation>)write.Payload)
            {
                var serializer = serialization.FindSerializerFor(p.Payload);
                var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, p.Payload);
                var bytes = serializer.ToBinary(p.Payload);
                lock (list) list.Add(new Entry(p.SequenceNr, serializer.Identifier, manifest, bytes));
            }
        }
        return Task.FromResult<IImmutableList<Exception?>>(null!);
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        if (Store.TryGetValue(persistenceId, out var list))
            lock (list)
            {
                // A journal keeps the highest sequence number after deletes: keep that entry.
                var highest = list.Count == 0 ? 0 : list.Max(e => e.SequenceNr);
                list.RemoveAll(e => e.SequenceNr <= toSequenceNr && e.SequenceNr != highest);
            }
        return Task.CompletedTask;
    }

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        if (!Store.TryGetValue(persistenceId, out var list)) return Task.CompletedTask;
        Entry[] entries;
        lock (list) entries = [.. list.Where(e => e.SequenceNr >= fromSequenceNr && e.SequenceNr <= toSequenceNr).OrderBy(e => e.SequenceNr).Take((int)Math.Min(max, int.MaxValue))];
        foreach (var e in entries)
        {
            var payload = context.System.Serialization.Deserialize(e.Bytes, e.SerializerId, e.Manifest);
            recoveryCallback(new Persistent(payload, e.SequenceNr, persistenceId, e.Manifest, false, ActorRefs.NoSender));
        }
        return Task.CompletedTask;
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (!Store.TryGetValue(persistenceId, out var list)) return Task.FromResult(0L);
        lock (list) return Task.FromResult(list.Count == 0 ? 0L : list.Max(e => e.SequenceNr));
    }
}
