using Akka.Persistence;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// One persistence id in <see cref="ExpiringMemoryStore"/>: its events and snapshots (both ascending by sequence nr,
/// as they are written), the highest sequence nr ever written, and when it all expires. Guarded by locking the entry
/// itself (no extra lock object per conversation). <see cref="Removed"/> is set once the store has dropped it, so a
/// writer that raced the sweep starts again on a fresh entry instead of writing into one nobody can reach.
/// </summary>
internal sealed class ExpiringMemoryEntry
{
    /// <summary>Null until the first event: a conversation pays for a list only when it has something to keep.</summary>
    public List<IPersistentRepresentation>? Events { get; set; }

    public List<SelectedSnapshot>? Snapshots { get; set; }

    /// <summary>Kept after deletes, like Redis's highest key: a persistent actor must never reuse a sequence nr.</summary>
    public long HighestSequenceNr { get; set; }

    /// <summary>UTC ticks; 0 for an entry no write has finished yet (it reads as expired).</summary>
    public long ExpiresAt { get; set; }

    public bool Removed { get; set; }

    public void Clear()
    {
        Events = null;
        Snapshots = null;
        HighestSequenceNr = 0;
    }
}
