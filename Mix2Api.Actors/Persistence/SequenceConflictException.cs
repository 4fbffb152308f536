namespace Mix2Api.Actors.Persistence;

/// <summary>
/// A journal write was refused: Redis holds a different highest sequence nr than the writer expected, so another
/// writer (a node sharing Redis outside this cluster) has moved this persistence id on. The write fails rather than
/// being rejected so the stale writer stops and, on its next message, recovers what the other writer stored.
/// The message names the persistence id only by its fingerprint.
/// </summary>
public sealed class SequenceConflictException(string persistenceIdFingerprint, long expected, long stored)
    : Exception($"journal write refused for persistence id {persistenceIdFingerprint}: expected highest sequence nr {expected}, Redis holds {stored} (another writer shares this Redis outside the cluster)")
{
    public string PersistenceIdFingerprint { get; } = persistenceIdFingerprint;
    public long ExpectedSequenceNr { get; } = expected;
    public long StoredSequenceNr { get; } = stored;
}
