using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

public static class ActorsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the session region (<see cref="ISessionRegion"/> over the "session" shard region), the upstream
    /// credential provider (<see cref="ICredentialProvider"/>: <see cref="ManagedCredentialProvider"/> over the TokenManager
    /// singleton for managed mode, else
    /// <see cref="StaticCredentialProvider"/> unless the host registered one first),     /// <see cref="ActorsStatus"/> and the hosted service that runs them. The actor system itself is the host's
    /// (<c>services.AddAkka("mix2api", b => b.AddMix2ApiActors(...))</c>, called before this so the actor system
    /// starts first). Throws <see cref="ArgumentException"/> naming the env var when the options cannot work.
    /// </summary>
    public static IServiceCollection AddMix2ApiActors(this IServiceCollection services, ActorsOptions options)
    {
        options = options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        if (options.Store.UseRedis)
        {
            // The Redis connection beside the journal's own: sampled traces and the split brain resolver's lease use it.
            var settings = new RedisSettings(options.Store.RedisUrl!, options.Store.ConnectTimeout, options.Store.CommandTimeout, options.Store.PingInterval);
            services.AddSingleton(sp => new RedisConnection(settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
        }

        services.AddSingleton(sp => ActorsAkkaSetup.CreateSessionRegion(sp, options.Sessions));
        services.AddSingleton<ISessionRegion>(sp => sp.GetRequiredService<SessionRegion>());

        // Managed auth: the TokenManager singleton itself is added to the actor system (ActorsAkkaSetup); this is the node's side.
        if (options.ManagedAuth)
        {
            services.AddManagedCredentials(options.Token);
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
