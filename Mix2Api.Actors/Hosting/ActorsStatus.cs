using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>One snapshot for <c>/health</c> and the admin view.</summary>
public sealed record ActorsStatusSnapshot(
    /// <summary>The session journal (SPEC §7.3 journal status).</summary>
    StoreHealth Journal,
    ClusterView Cluster,
    /// <summary>managed auth only: this node's replica of the token (fingerprint in ToString); null otherwise or before the first login.</summary>
    TokenRecord? LocalToken);

/// <summary>Reads the live status of this node's actors; the actor system is looked up only once it runs.</summary>
public sealed class ActorsStatus(IServiceProvider services, ActorsOptions options)
{
    private ActorSystem? System => services.GetService<ActorSystem>() is { WhenTerminated.IsCompleted: false } system ? system : null;

    /// <summary>The session journal's health (cheap; read on every metrics scrape).</summary>
    public StoreHealth Journal => PersistenceSetup.Health(System, options);

    /// <summary>Journal writes refused as out of sequence (split brain on shared Redis), since start.</summary>
    public long JournalSequenceConflicts => PersistenceSetup.SequenceConflicts(System, options);

    /// <summary>The session journal plugin: <c>inmem</c> or <c>redis</c>.</summary>
    public string JournalPlugin => PersistenceSetup.JournalPlugin(options);

    public ClusterView Cluster => System is { } system ? ClusterView.Of(Akka.Cluster.Cluster.Get(system)) : ClusterView.NotStarted;

    /// <summary>Session entities alive on this node (the shard region's own count; 0 when it cannot tell within a second).</summary>
    public async Task<int> ActiveSessionsAsync(CancellationToken cancellationToken)
    {
        if (System is null) return 0;
        try
        {
            var region = services.GetRequiredService<IRequiredActor<SessionRegionKey>>().ActorRef;
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return state.Shards.Sum(shard => shard.EntityIds.Count);
        }
        catch (Exception ex) when (ex is AskTimeoutException or OperationCanceledException)
        {
            return 0;
        }
    }

    public ActorsStatusSnapshot Get() => new(Journal, Cluster, services.GetService<ManagedCredentialProvider>()?.Replica.Current?.Token);

    /// <summary>managed auth: the TokenManager singleton's status (null when it did not answer in time, or not managed).</summary>
    public Task<TokenStatus?> TokenStatusAsync(CancellationToken cancellationToken)
        => services.GetService<ManagedCredentialProvider>() is { } tokens ? tokens.StatusAsync(cancellationToken) : Task.FromResult<TokenStatus?>(null);
}
