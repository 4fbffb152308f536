using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Membership;

/// <summary>
/// Cluster membership through the store: each node rewrites its <see cref="MemberRecord"/> in one hash on
/// every heartbeat (the hash's TTL restarts each time); readers list members whose heartbeat is recent and
/// remove the stale ones. A node that stops heartbeating drops out by itself.
/// </summary>
public sealed class ClusterMembership(IKeyValueStore store, MembershipOptions options, string keyPrefix, TimeProvider time, ILogger<ClusterMembership> log)
{
    private readonly string _key = $"{keyPrefix}:members";
    private readonly long _startedAt = time.GetUtcNow().ToUnixTimeMilliseconds();

    public MembershipOptions Options => options;

    public MemberRecord Self() => new(options.NodeId, options.Channel, options.Version, _startedAt, time.GetUtcNow().ToUnixTimeMilliseconds());

    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var self = Self();
            await store.HashSetAsync(_key, self.NodeId, self.ToJson(), options.Ttl * 2, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.MembershipHeartbeatFailed(ex.Message);
        }
    }

    /// <summary>Leave at once on graceful shutdown instead of waiting for the TTL.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.HashDeleteAsync(_key, options.NodeId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.MembershipHeartbeatFailed(ex.Message);
        }
    }

    public async Task<MembershipSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var self = Self();
        var members = new List<MemberRecord>();
        var oldest = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)options.Ttl.TotalMilliseconds;
        try
        {
            foreach (var (field, raw) in await store.HashGetAllAsync(_key, cancellationToken).ConfigureAwait(false))
            {
                if (MemberRecord.Parse(raw) is { } member && member.Heartbeat >= oldest) members.Add(member);
                else await store.HashDeleteAsync(_key, field, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.MembershipHeartbeatFailed(ex.Message);
        }
        if (!members.Exists(m => m.NodeId == self.NodeId)) members.Add(self);
        members.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return new MembershipSnapshot(self, members);
    }
}
