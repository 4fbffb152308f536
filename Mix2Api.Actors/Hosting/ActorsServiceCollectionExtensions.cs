using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Membership;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

public static class ActorsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the session region (<see cref="ISessionRegion"/>), the upstream credential provider
    /// (<see cref="ICredentialProvider"/>: <see cref="ManagedCredentialProvider"/> over the TokenManager singleton for managed mode, else <see cref="StaticCredentialProvider"/>
    /// unless the host registered one first), the state store and its health (<see cref="IStoreHealthSource"/>),
    /// membership, <see cref="ActorsStatus"/> and the hosted service that runs them. Throws
    /// <see cref="ArgumentException"/> naming the env var when the options cannot work.
    /// </summary>
    public static IServiceCollection AddMix2ApiActors(this IServiceCollection services, ActorsOptions options)
    {
        options = options.Validate();
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

        services.AddSingleton(sp => new SessionRegion(sp.GetRequiredService<IKeyValueStore>(), options.Sessions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ISessionRegion>(sp => sp.GetRequiredService<SessionRegion>());

        services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IKeyValueStore>(), options.Membership, options.KeyPrefix,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClusterMembership>>()));

        if (options.ManagedAuth)
        {
            services.AddManagedCredentials(options.Token);
            services.AddTokenActorSystemSeam(options);
        }
        else
        {
            services.TryAddSingleton<ICredentialProvider>(new StaticCredentialProvider(options.UpstreamAuthMode.ToLowerInvariant(), options.UpstreamBearerToken));
        }

        services.AddSingleton(sp => new ActorsStatus(sp.GetRequiredService<IStoreHealthSource>(), sp.GetRequiredService<ClusterMembership>(),
            sp.GetRequiredService<SessionRegion>(), sp.GetService<ManagedCredentialProvider>()));
        services.AddHostedService<ActorsHostedService>();
        return services;
    }
}
