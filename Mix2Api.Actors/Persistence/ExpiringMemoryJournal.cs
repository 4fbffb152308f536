using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Akka.Persistence journal in memory (<see cref="ExpiringMemoryStore"/>) whose persistence ids expire <c>ttl</c> after
/// their last write, events and highest sequence nr alike, as with Redis: an expired session recovers empty and
/// starts fresh. Akka's own in-memory journal keeps everything for the life of the process. This actor also owns the
/// store's sweep timer (every min(ttl, 30 s)), which frees what expired.
/// </summary>
public sealed class ExpiringMemoryJournal : AsyncWriteJournal
{
    private static readonly TimeSpan LongestSweepInterval = TimeSpan.FromSeconds(30);
    private readonly ExpiringMemoryStore _store;
    private readonly TimeSpan _ttl;
    private ITimer? _sweep;

    public ExpiringMemoryJournal(Config config)
    {
        _ttl = ExpiringMemoryHocon.ReadTtl(config);
        _store = ExpiringMemoryStore.Get(Context.System);
    }

    /// <summary>How often the store is swept: often enough that an expired id lingers at most one interval.</summary>
    public static TimeSpan SweepInterval(TimeSpan ttl) => ttl < LongestSweepInterval ? ttl : LongestSweepInterval;

    protected override void PreStart()
    {
        base.PreStart();
        var interval = SweepInterval(_ttl);
        // On a timer thread, not in this mailbox: a sweep of a large store must not hold up the journal's writes.
        _sweep = _store.Time.CreateTimer(static store => ((ExpiringMemoryStore)store!).Sweep(), _store, interval, interval);
    }

    protected override void PostStop()
    {
        _sweep?.Dispose();
        base.PostStop();
    }

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        foreach (var write in messages)
            _store.Write(write.PersistenceId, _ttl, (write, timestamp: _store.Time.GetUtcNow().UtcTicks), static (entry, state) =>
            {
                var (write, timestamp) = state;
                var events = (IImmutableList<IPersistentRepresentation>)write.Payload;
                var kept = entry.Events ??= new List<IPersistentRepresentation>(events.Count);
                foreach (var e in events) kept.Add(Kept(e, timestamp));
                if (write.HighestSequenceNr > entry.HighestSequenceNr) entry.HighestSequenceNr = write.HighestSequenceNr;
            });
        return Task.FromResult<IImmutableList<Exception?>>(null!);
    }

    /// <summary>
    /// The event as it is kept: without the sender (which would keep the writing request's actor reachable for the
    /// TTL) and without tags (no persistence queries here), stamped if the writer did not.
    /// </summary>
    private static Persistent Kept(IPersistentRepresentation e, long timestamp) => new(
        e.Payload is Tagged tagged ? tagged.Payload : e.Payload, e.SequenceNr, e.PersistenceId, e.Manifest, e.IsDeleted,
        ActorRefs.NoSender, e.WriterGuid, e.Timestamp != 0 ? e.Timestamp : timestamp);

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0) return Task.CompletedTask;
        // Copied out under the lock, handed over outside it.
        var replay = _store.Read(persistenceId, (fromSequenceNr, toSequenceNr, max), static (entry, range) =>
        {
            if (entry?.Events is not { Count: > 0 } events) return [];
            var selected = new List<IPersistentRepresentation>();
            foreach (var e in events)
            {
                if (e.SequenceNr > range.toSequenceNr || selected.Count >= range.max) break;
                if (e.SequenceNr >= range.fromSequenceNr) selected.Add(e);
            }
            return selected;
        });
        foreach (var e in replay) recoveryCallback(e);
        return Task.CompletedTask;
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
        => Task.FromResult(_store.Read(persistenceId, 0, static (entry, _) => entry?.HighestSequenceNr ?? 0L));

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        // The highest sequence nr stays until the id expires: a persistent actor must never reuse one.
        _store.Read(persistenceId, toSequenceNr, static (entry, to) =>
        {
            var events = entry?.Events;
            if (events is null) return 0;
            var doomed = 0;
            while (doomed < events.Count && events[doomed].SequenceNr <= to) doomed++;
            events.RemoveRange(0, doomed);
            if (events.Count == 0) entry!.Events = null;
            return doomed;
        });
        return Task.CompletedTask;
    }
}
