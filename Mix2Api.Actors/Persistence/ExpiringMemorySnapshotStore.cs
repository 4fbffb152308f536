using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Akka.Persistence snapshot store in memory (<see cref="ExpiringMemoryStore"/>), at most one snapshot per sequence nr
/// (a save replaces the one before). A save renews the expiry of the whole persistence id, journal included, like a
/// save to Redis; an expired id has no snapshot. The journal's timer sweeps the store for both.
/// </summary>
public sealed class ExpiringMemorySnapshotStore : SnapshotStore
{
    private readonly ExpiringMemoryStore _store;
    private readonly TimeSpan _ttl;

    public ExpiringMemorySnapshotStore(Config config)
    {
        _ttl = ExpiringMemoryHocon.ReadTtl(config);
        _store = ExpiringMemoryStore.Get(Context.System);
    }

    protected override Task<SelectedSnapshot> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
        => Task.FromResult(_store.Read(persistenceId, criteria, static (entry, criteria) =>
        {
            var snapshots = entry?.Snapshots;
            if (snapshots is null) return null!;
            for (var i = snapshots.Count - 1; i >= 0; i--)
                if (SnapshotSelection.Matches(criteria, snapshots[i].Metadata)) return snapshots[i];
            return null!;
        }));

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        _store.Write(metadata.PersistenceId, _ttl, new SelectedSnapshot(metadata, snapshot), static (entry, saved) =>
        {
            var snapshots = entry.Snapshots ??= new List<SelectedSnapshot>(1);
            // Usually the newest, so found from the end.
            var at = snapshots.Count;
            while (at > 0 && snapshots[at - 1].Metadata.SequenceNr >= saved.Metadata.SequenceNr) at--;
            if (at < snapshots.Count && snapshots[at].Metadata.SequenceNr == saved.Metadata.SequenceNr) snapshots[at] = saved;
            else snapshots.Insert(at, saved);
        });
        return Task.CompletedTask;
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
        => DeleteAsync(metadata.PersistenceId, SnapshotSelection.Of(metadata), cancellationToken);

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        _store.Read(persistenceId, criteria, static (entry, criteria) =>
        {
            var snapshots = entry?.Snapshots;
            if (snapshots is null) return 0;
            var deleted = snapshots.RemoveAll(s => SnapshotSelection.Matches(criteria, s.Metadata));
            if (snapshots.Count == 0) entry!.Snapshots = null;
            return deleted;
        });
        return Task.CompletedTask;
    }
}
