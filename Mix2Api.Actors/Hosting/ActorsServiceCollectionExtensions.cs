using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Coordination;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Runtime;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

public static class ActorsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the session region (<see cref="ISessionRegion"/> over the "session" shard region), the upstream
    /// credential provider (<see cref="ICredentialProvider"/>: the TokenManager for managed mode, else
    /// <see cref="StaticCredentialProvider"/> unless the host registered one first), the token state store,
    /// <see cref="ActorsStatus"/> and the hosted service that runs them. The actor system itself is the host's
    /// (<c>services.AddAkka("mix2api", b => b.AddMix2ApiActors(...))</c>, called before this so the actor system
    /// starts first). Throws <see cref="ArgumentException"/> naming the env var when the options cannot work.
    /// </summary>
    public static IServiceCollection AddMix2ApiActors(this IServiceCollection services, ActorsOptions options)
    {
        options = options.Validate() with { Token = options.Token with { KeyPrefix = options.KeyPrefix } };
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new MemoryKeyValueStore(sp.GetRequiredService<TimeProvider>(), options.Store.MemoryMaxEntries));

        if (options.Store.UseRedis)
        {
            var settings = new RedisSettings(options.Store.RedisUrl!, options.Store.ConnectTimeout, options.Store.CommandTimeout, options.Store.PingInterval);
            services.AddSingleton(sp => new RedisConnection(settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddSingleton<IStoreHealthSource>(sp => sp.GetRequiredService<RedisConnection>());
            services.AddSingleton<IKeyValueStore>(sp => new ResilientKeyValueStore(
                sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<MemoryKeyValueStore>(), sp.GetRequiredService<ILogger<ResilientKeyValueStore>>()));
        }
        else
        {
            services.AddSingleton<IStoreHealthSource, MemoryStoreHealthSource>();
            services.AddSingleton<IKeyValueStore>(sp => sp.GetRequiredService<MemoryKeyValueStore>());
        }

        services.AddSingleton(sp => ActorsAkkaSetup.CreateSessionRegion(sp, options.Sessions));
        services.AddSingleton<ISessionRegion>(sp => sp.GetRequiredService<SessionRegion>());

        var leaseKey = $"{options.KeyPrefix}:lease:token-manager";

        if (options.ManagedAuth)
        {
            services.AddSingleton(sp => new TokenFetcher(options.Token, new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan },
                sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new TokenRefresher(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TokenFetcher>(), options.Token,
                options.Cluster.NodeId, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TokenRefresher>>()));
            services.AddSingleton(sp => new TokenManager(sp.GetRequiredService<TokenRefresher>(), options.Token, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TokenManager>>()));
            services.AddSingleton<ICredentialProvider>(sp => sp.GetRequiredService<TokenManager>());
            services.AddSingleton(sp => new KeyValueLease(sp.GetRequiredService<IKeyValueStore>(), leaseKey,
                new LeaseSettings("token-manager", options.Cluster.NodeId, options.Token.LeaseTtl, options.Token.LeaseHeartbeat), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new TokenManagerSingleton(sp.GetRequiredService<KeyValueLease>(), sp.GetRequiredService<TokenRefresher>(), options.Token,
                new ActorSettings("token-manager") { Time = sp.GetRequiredService<TimeProvider>(), Logger = sp.GetRequiredService<ILogger<TokenManagerSingleton>>(), MailboxCapacity = 32 }));
        }
        else
        {
            services.TryAddSingleton<ICredentialProvider>(new StaticCredentialProvider(options.UpstreamAuthMode.ToLowerInvariant(), options.UpstreamBearerToken));
        }

        services.AddSingleton(sp => new ActorsStatus(sp, options));
        services.AddHostedService<ActorsHostedService>();
        return services;
    }
}
