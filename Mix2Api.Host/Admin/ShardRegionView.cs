using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mix2Api.Actors.Hosting;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Operations;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="IShardView"/> and <see cref="ISessionView"/> over the session shard region: shard and entity counts of
/// every region in the cluster (<c>GetClusterShardingStats</c>), and this node's live entities (<c>GetShardRegionState</c>)
/// joined with what <see cref="SessionActivity"/> saw of them. Entity ids are session keys: only fingerprints leave.
/// </summary>
public sealed class ShardRegionView(IRequiredActor<SessionRegionKey> region, SessionActivity activity, Mix2ApiSettings settings,
    TimeProvider time) : IShardView, ISessionView
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public async Task<ShardsView> StatsAsync(CancellationToken cancellationToken)
    {
        var stats = await region.ActorRef.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + AskTimeout, cancellationToken);
        var regions = stats.Regions
            .Select(r => new ShardRegionInfo("session", r.Key.ToString(),
                r.Value.Stats.Select(s => new ShardInfo(s.Key, s.Value)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList()))
            .OrderBy(r => r.Node, StringComparer.Ordinal)
            .ToList();
        return new ShardsView(regions);
    }

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var state = await region.ActorRef.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, cancellationToken);
        var now = time.GetUtcNow();
        return state.Shards
            .SelectMany(shard => shard.EntityIds)
            .Select(id =>
            {
                var keyFp = Fingerprint.Of(id);
                var seen = activity.Find(keyFp);
                return new SessionInfo(keyFp, seen?.UpstreamSessionFp, seen?.Turns ?? 0,
                    seen is null ? 0 : Math.Round((now - seen.FirstSeen).TotalSeconds, 1), settings.NodeId, 0);
            })
            .OrderBy(s => s.KeyFp, StringComparer.Ordinal)
            .ToList();
    }
}
