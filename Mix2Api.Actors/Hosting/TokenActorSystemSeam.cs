using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mix2Api.Actors.Singleton;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// SEAM (integrator: replace with the node's one Akka.Hosting actor system and call
/// <see cref="TokenManagerHosting.WithTokenManager"/> on it; then delete this file).
/// Until the cluster wiring lands, managed mode runs its own minimal actor system: loopback remoting on a free
/// port, a one-node cluster that joins itself. So each node is its own cluster here: one login per node, not per
/// cluster; the cluster-wide behaviour is tested on joined actor systems (TokenManagerClusterTests).
/// </summary>
internal static class TokenActorSystemSeam
{
    public static IServiceCollection AddTokenActorSystemSeam(this IServiceCollection services, ActorsOptions options)
        => services.AddAkka("mix2api", builder => builder
            .ConfigureLoggers(loggers => loggers.AddLoggerFactory())
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering(new ClusterOptions { Roles = [options.Membership.Channel] })
            .AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            })
            .WithTokenManager(options.Token));
}
