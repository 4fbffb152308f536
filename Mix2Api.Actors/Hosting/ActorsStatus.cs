using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Membership;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>One snapshot for <c>/health</c> and the admin view.</summary>
public sealed record ActorsStatusSnapshot(
    StoreHealth Store,
    MembershipSnapshot Cluster,
    /// <summary>managed auth only: the token manager singleton's status (null when it did not answer in time) and this node's replica.</summary>
    TokenStatus? TokenManager,
    TokenRecord? LocalToken,
    int ActiveSessionEntities);

/// <summary>Reads the live status of this node's actors.</summary>
public sealed class ActorsStatus(IStoreHealthSource store, ClusterMembership membership, SessionRegion region, ManagedCredentialProvider? tokens = null)
{
    public StoreHealth StoreHealth => store.Health;

    public async Task<ActorsStatusSnapshot> GetAsync(CancellationToken cancellationToken)
        => new(store.Health, await membership.SnapshotAsync(cancellationToken).ConfigureAwait(false),
            tokens is null ? null : await tokens.StatusAsync(cancellationToken).ConfigureAwait(false), tokens?.Replica.Current?.Token,
            region.ActiveEntities().Count);
}
