using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Sessions;

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
                // Two nodes: keep-majority would keep the lowest address when the halves are equal, so the survivor of a
                // crash of that node would down itself. keep-oldest + down-if-alone keeps whichever node survives.
                SplitBrainResolver = new KeepOldestOption { DownIfAlone = true },
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
        return PersistenceSetup.Configure(builder, options);
    }

    /// <summary>The session region for the request path; the shard region is looked up once the actor system runs.</summary>
    public static SessionRegion CreateSessionRegion(IServiceProvider services, SessionOptions options)
    {
        var required = services.GetRequiredService<IRequiredActor<SessionRegionKey>>();
        return new SessionRegion(() => required.ActorRef, options, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<SessionRegion>>());
    }
}
