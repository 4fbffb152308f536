using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Snapshot;
using StackExchange.Redis;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Akka.Persistence snapshot store on Redis: one sorted set per persistence id (<see cref="RedisKeys.Snapshot"/>),
/// scored by sequence nr, at most one snapshot per sequence nr (a save replaces the one before). A save refreshes
/// the TTL of every key of the persistence id, like a journal write.
/// </summary>
public sealed class RedisSnapshotStore : SnapshotStore
{
    private readonly RedisPersistenceSettings _settings;
    private readonly RedisPersistenceConnection _redis;
    private readonly long _ttlMs;
    private readonly ActorSystem _system = Context.System;

    public RedisSnapshotStore(Config config)
    {
        _settings = RedisPersistenceHocon.Read(config);
        _ttlMs = (long)(_settings.Ttl ?? TimeSpan.Zero).TotalMilliseconds;
        _redis = new RedisPersistenceConnection(_settings, RedisPersistenceStatus.Get(Context.System), Context.GetLogger(), "mix2api-snapshots");
    }

    protected override void PostStop()
    {
        _redis.Dispose();
        base.PostStop();
    }

    protected override async Task<SelectedSnapshot> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        // Newest first; the timestamp bounds are checked per candidate, so only the metadata is read until one fits.
        foreach (var member in await CandidatesAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false))
        {
            var bytes = (byte[])member!;
            if (SnapshotSelection.Matches(criteria, SnapshotEnvelope.ReadMetadata(persistenceId, bytes)))
                return SnapshotEnvelope.FromBytes(_system, persistenceId, bytes);
        }
        return null!;
    }

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var keys = new RedisKeys(_settings.KeyPrefix, metadata.PersistenceId);
        RedisValue[] args = [metadata.SequenceNr, SnapshotEnvelope.ToBytes(_system, metadata, snapshot), _ttlMs];
        await _redis.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.SaveSnapshot, keys.All, args), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        await DeleteAsync(metadata.PersistenceId, SnapshotSelection.Of(metadata), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var doomed = new List<RedisValue>();
        foreach (var member in await CandidatesAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false))
            if (SnapshotSelection.Matches(criteria, SnapshotEnvelope.ReadMetadata(persistenceId, (byte[])member!)))
                doomed.Add(member);
        if (doomed.Count == 0) return;
        var keys = new RedisKeys(_settings.KeyPrefix, persistenceId);
        await _redis.RunAsync(db => db.SortedSetRemoveAsync(keys.Snapshot, [.. doomed]), cancellationToken).ConfigureAwait(false);
    }

    private Task<RedisValue[]> CandidatesAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var keys = new RedisKeys(_settings.KeyPrefix, persistenceId);
        return _redis.RunAsync(db => db.SortedSetRangeByScoreAsync(keys.Snapshot, criteria.MinSequenceNr, criteria.MaxSequenceNr, order: Order.Descending), cancellationToken);
    }
}
