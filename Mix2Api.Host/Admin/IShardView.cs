namespace Mix2Api.Host.Admin;

/// <summary>Regions, shards and entity counts per node. On Akka: <c>GetClusterShardingStats</c> of the session region.</summary>
public interface IShardView
{
    Task<ShardsView> StatsAsync(CancellationToken cancellationToken);
}
