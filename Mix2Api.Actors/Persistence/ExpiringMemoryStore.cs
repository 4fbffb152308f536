using System.Collections.Concurrent;
using Akka.Actor;
using Akka.DependencyInjection;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// The session journal and snapshots of one <see cref="ActorSystem"/> when there is no Redis: per persistence id,
/// events, snapshots and highest sequence nr, gone <c>ttl</c> after the id's last write, as the Redis keys are. Shared
/// by <see cref="ExpiringMemoryJournal"/> and <see cref="ExpiringMemorySnapshotStore"/> (two actors, so it is
/// thread-safe: one lock per entry). An expired id reads as empty at once (lazy expiry) and its memory is freed by
/// <see cref="Sweep"/>, which the journal runs on a timer. Time is the host's <see cref="TimeProvider"/> (from the
/// actor system's dependency resolver), so tests drive it.
/// </summary>
public sealed class ExpiringMemoryStore : IExtension
{
    private readonly ConcurrentDictionary<string, ExpiringMemoryEntry> _entries = new(StringComparer.Ordinal);
    private int _sweeping;

    public ExpiringMemoryStore(TimeProvider time) => Time = time;

    public static ExpiringMemoryStore Get(ActorSystem system) => system.WithExtension<ExpiringMemoryStore, ExpiringMemoryStoreProvider>();

    public TimeProvider Time { get; }

    /// <summary>Persistence ids held in memory (expired ones count until a read or the sweep drops them).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Drops every expired persistence id. Costs one pass over the ids; a sweep still running when the next is due
    /// (a huge store on a tiny TTL) makes that one a no-op. Returns how many ids it dropped.
    /// </summary>
    public int Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return 0;
        try
        {
            var now = Time.GetUtcNow().UtcTicks;
            var dropped = 0;
            foreach (var (persistenceId, entry) in _entries)
            {
                lock (entry)
                    if (!entry.Removed && TryExpire(persistenceId, entry, now)) dropped++;
            }
            return dropped;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> on the id's entry under its lock, after dropping what had expired, and renews the
    /// expiry to now + <paramref name="ttl"/> (every write does, events or snapshot, as every Redis write refreshes
    /// all the id's keys).
    /// </summary>
    internal void Write<TState>(string persistenceId, TimeSpan ttl, TState state, Action<ExpiringMemoryEntry, TState> write)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(persistenceId, static _ => new ExpiringMemoryEntry());
            lock (entry)
            {
                if (entry.Removed) continue; // the sweep or a read dropped it between the lookup and the lock
                var now = Time.GetUtcNow().UtcTicks;
                if (entry.ExpiresAt <= now) entry.Clear();
                write(entry, state);
                entry.ExpiresAt = now + ttl.Ticks;
                return;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> under the entry's lock on a live entry, or on null when the id is unknown or
    /// expired. Does not renew the expiry: reads and deletes don't, as in Redis.
    /// </summary>
    internal TResult Read<TState, TResult>(string persistenceId, TState state, Func<ExpiringMemoryEntry?, TState, TResult> read)
    {
        if (_entries.TryGetValue(persistenceId, out var entry))
        {
            lock (entry)
            {
                if (!entry.Removed && !TryExpire(persistenceId, entry, Time.GetUtcNow().UtcTicks)) return read(entry, state);
            }
        }
        return read(null, state);
    }

    /// <summary>Under the entry's lock: drops it if it has expired.</summary>
    private bool TryExpire(string persistenceId, ExpiringMemoryEntry entry, long now)
    {
        if (entry.ExpiresAt > now) return false;
        entry.Removed = true;
        entry.Clear();
        _entries.TryRemove(new KeyValuePair<string, ExpiringMemoryEntry>(persistenceId, entry));
        return true;
    }

    private sealed class ExpiringMemoryStoreProvider : ExtensionIdProvider<ExpiringMemoryStore>
    {
        public override ExpiringMemoryStore CreateExtension(ExtendedActorSystem system)
        {
            var setup = system.Settings.Setup.Get<DependencyResolverSetup>();
            var time = setup.HasValue ? setup.Value.DependencyResolver.GetService<TimeProvider>() : null;
            return new ExpiringMemoryStore(time ?? TimeProvider.System);
        }
    }
}
