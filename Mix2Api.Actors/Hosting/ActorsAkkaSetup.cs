using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Sessions;

using Mix2Api.Actors.Singleton;

namespace Mix2Api.Actors.Hosting;

/// <summary>Registry key of the "session" shard region.</summary>
public sealed class SessionRegionKey;

/// <summary>
/// What Mix2Api puts into its one <c>mix2api</c> actor system: the hocon/ files, remoting and clustering from the
/// SPEC §11 keys (they override the files), the "session" shard region, and the session journal.
/// </summary>
public static class ActorsAkkaSetup
{
    public const string SessionRegionName = "session";

    public static AkkaConfigurationBuilder AddMix2ApiActors(this AkkaConfigurationBuilder builder, ActorsOptions options,
        IServiceProvider services, string hoconDirectory)
    {
        var cluster = options.Cluster;
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        builder
            .AddHocon(AkkaConfigFiles.Load(hoconDirectory, cluster.Channel), HoconAddMode.Append)
            .AddHocon(SplitBrainConfig(options), HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions
            {
                HostName = cluster.Hostname,
                Port = cluster.Port,
                PublicHostName = cluster.PublicHostname ?? cluster.Hostname,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = [cluster.Channel],
                SeedNodes = cluster.SeedNodes.ToArray(),
                // The resolver is configured by SplitBrainConfig (hocon/base.conf + the Redis lease), not here.
                SplitBrainResolver = null,
            })
            .WithShardRegion<SessionRegionKey>(SessionRegionName,
                (_, _) => key => SessionEntity.Props(key, options.Sessions, time, loggers.CreateLogger<SessionEntity>()),
                new SessionMessageExtractor(),
                new ShardOptions
                {
                    RememberEntities = false,
                    StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData,
                    ShouldPassivateIdleEntities = true,
                    PassivateIdleEntityAfter = options.Sessions.EntityIdleTimeout,
                })
            .AddStartup((system, _) =>
            {
                // No seeds: this node is the whole cluster (the embedded default).
                if (cluster.SeedNodes.Count == 0)
                {
                    var self = Akka.Cluster.Cluster.Get(system);
                    self.Join(self.SelfAddress);
                }
            });
        if (options.ManagedAuth) builder.WithTokenManager(options.Token);
        return PersistenceSetup.Configure(builder, options);
    }

    /// <summary>
    /// With Redis (every stable + canary deployment) the split brain resolver is <c>lease-majority</c> on a Redis lease:
    /// whichever node survives a crash of the other takes the lease and stays up, and in a real partition exactly
    /// one side does. Without Redis (the embedded one-node default) hocon/base.conf's keep-oldest applies.
    /// </summary>
    public static Akka.Configuration.Config SplitBrainConfig(ActorsOptions options)
    {
        if (!options.Store.UseRedis) return Akka.Configuration.Config.Empty;
        var url = options.Store.RedisUrl!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return Akka.Configuration.ConfigurationFactory.ParseString($$"""
            mix2api.sbr-lease {
              lease-class = "{{typeof(Cluster.RedisLease).AssemblyQualifiedName}}"
              heartbeat-timeout = 20s
              heartbeat-interval = 2s
              lease-operation-timeout = 5s
              redis-url = "{{url}}"
              key-prefix = "{{options.KeyPrefix}}"
            }
            akka.cluster.split-brain-resolver {
              active-strategy = lease-majority
              lease-majority {
                lease-implementation = "mix2api.sbr-lease"
                acquire-lease-delay-for-minority = 2s
                release-after = 40s
                role = ""
              }
            }
            """);
    }

    /// <summary>The session region for the request path; the shard region is looked up once the actor system runs.</summary>
    public static SessionRegion CreateSessionRegion(IServiceProvider services, SessionOptions options)
    {
        var required = services.GetRequiredService<IRequiredActor<SessionRegionKey>>();
        return new SessionRegion(() => required.ActorRef, options, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<SessionRegion>>());
    }
}
