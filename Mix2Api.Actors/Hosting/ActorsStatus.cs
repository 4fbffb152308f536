using Mix2Api.Actors.Membership;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>One snapshot for <c>/health</c> and the admin view.</summary>
public sealed record ActorsStatusSnapshot(
    StoreHealth Store,
    MembershipSnapshot Cluster,
    /// <summary>managed auth only: this node's singleton state (Acquiring / Active / HandingOver / Stopped); null otherwise.</summary>
    TokenManagerState? TokenManager,
    int ActiveSessionEntities);

/// <summary>Reads the live status of this node's actors.</summary>
public sealed class ActorsStatus(IStoreHealthSource store, ClusterMembership membership, SessionRegion region, TokenManagerSingleton? singleton = null)
{
    public StoreHealth StoreHealth => store.Health;

    public async Task<ActorsStatusSnapshot> GetAsync(CancellationToken cancellationToken)
        => new(store.Health, await membership.SnapshotAsync(cancellationToken).ConfigureAwait(false), singleton?.State, region.ActiveEntities().Count);
}
