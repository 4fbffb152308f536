using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Mix2Api.Streams.Diagnostics;
using StackExchange.Redis;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Akka.Persistence journal on Redis (layout in <see cref="RedisKeys"/>). Each AtomicWrite is one Lua script, so
/// its events land all or none, and only if Redis still holds the highest sequence nr the writer expects: two
/// nodes that share Redis without sharing a cluster cannot interleave one persistence id's events
/// (<see cref="SequenceConflictException"/>). A payload that cannot be serialized is rejected (the actor goes on;
/// the highest still moves past it so no sequence nr is reused);
/// Redis being down or slow fails the write (the actor stops), within the command timeout.
/// </summary>
public sealed class RedisJournal : AsyncWriteJournal
{
    private readonly RedisPersistenceSettings _settings;
    private readonly RedisPersistenceStatus _status;
    private readonly RedisPersistenceConnection _redis;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _ttlMs;
    private readonly Akka.Actor.ActorSystem _system = Context.System;

    public RedisJournal(Config config)
    {
        _settings = RedisPersistenceHocon.Read(config);
        _ttlMs = (long)(_settings.Ttl ?? TimeSpan.Zero).TotalMilliseconds;
        _status = RedisPersistenceStatus.Get(Context.System);
        _redis = new RedisPersistenceConnection(_settings, _status, _log, "mix2api-journal");
    }

    protected override void PostStop()
    {
        _redis.Dispose();
        base.PostStop();
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        List<Exception?>? results = null;
        var index = 0;
        // One actor's writes, in order: awaiting each keeps the order even while the connection is still being made.
        foreach (var write in messages)
        {
            Exception? rejection = null;
            RedisValue[] args;
            try
            {
                args = WriteArguments(write, withEvents: true);
            }
            catch (Exception ex)
            {
                // Not stored, never will be: a rejection, which the persistent actor survives. Its sequence nrs are
                // still used up (the actor has moved past them), so the highest moves on, under the same guard.
                rejection = ex;
                args = WriteArguments(write, withEvents: false);
            }
            var keys = new RedisKeys(_settings.KeyPrefix, write.PersistenceId);
            var outcome = (RedisResult[])(await _redis.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.WriteEvents, keys.All, args), cancellationToken).ConfigureAwait(false))!;
            if ((long)outcome[0] == 0) throw Conflict(write.PersistenceId, write.LowestSequenceNr - 1, (long)outcome[1]);
            if (rejection is not null) results ??= Enumerable.Repeat<Exception?>(null, index).ToList();
            results?.Add(rejection);
            index++;
        }
        return results?.ToImmutableList()!;
    }

    private RedisValue[] WriteArguments(AtomicWrite write, bool withEvents)
    {
        var events = (IImmutableList<IPersistentRepresentation>)write.Payload;
        var args = new RedisValue[withEvents ? 3 + 2 * events.Count : 3];
        args[0] = write.LowestSequenceNr - 1;
        args[1] = write.HighestSequenceNr;
        args[2] = _ttlMs;
        if (!withEvents) return args;
        var timestamp = DateTime.UtcNow.Ticks;
        for (var i = 0; i < events.Count; i++)
        {
            args[3 + 2 * i] = events[i].SequenceNr;
            args[4 + 2 * i] = EventEnvelope.ToBytes(_system, events[i], events[i].Timestamp != 0 ? events[i].Timestamp : timestamp);
        }
        return args;
    }

    private SequenceConflictException Conflict(string persistenceId, long expected, long stored)
    {
        _status.RecordConflict();
        var conflict = new SequenceConflictException(Fingerprint.Of(persistenceId), expected, stored);
        _log.Warning("Redis journal sequence conflict: {0}", conflict.Message);
        return conflict;
    }

    public override async Task ReplayMessagesAsync(Akka.Actor.IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0) return;
        var keys = new RedisKeys(_settings.KeyPrefix, persistenceId);
        var take = max >= int.MaxValue ? -1 : max;
        var members = await _redis.RunAsync(db => db.SortedSetRangeByScoreAsync(keys.Journal, fromSequenceNr, toSequenceNr, take: take), CancellationToken.None).ConfigureAwait(false);
        foreach (var member in members)
            recoveryCallback(EventEnvelope.FromBytes(_system, persistenceId, (byte[])member!));
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var keys = new RedisKeys(_settings.KeyPrefix, persistenceId);
        var highest = await _redis.RunAsync(db => db.StringGetAsync(keys.Highest), cancellationToken).ConfigureAwait(false);
        return highest.IsNull ? 0L : (long)highest;
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        // The highest key stays: a persistent actor must never reuse a sequence nr, even after deleting everything.
        var keys = new RedisKeys(_settings.KeyPrefix, persistenceId);
        await _redis.RunAsync(db => db.SortedSetRemoveRangeByScoreAsync(keys.Journal, double.NegativeInfinity, toSequenceNr), cancellationToken).ConfigureAwait(false);
    }
}
