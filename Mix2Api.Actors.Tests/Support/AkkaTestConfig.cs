using Akka.Configuration;
using Mix2Api.Actors.Hosting;

namespace Mix2Api.Tests.Support;

/// <summary>The node's own Akka configuration (hocon/base.conf, as copied next to the tests) with test overrides.</summary>
public static class AkkaTestConfig
{
    /// <summary>A local actor system (no remoting) with the node's serializers and the <see cref="BytesJournal"/>.</summary>
    public static Config Local() => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = local
        akka.loglevel = WARNING
        {{BytesJournal.Config}}
        """).WithFallback(AkkaConfigFiles.Load(AkkaConfigFiles.DefaultDirectory, "stable"));

    /// <summary>A cluster node on loopback at <paramref name="port"/> (role <paramref name="role"/>), joining <paramref name="seeds"/>.</summary>
    public static Config ClusterNode(int port, string role, params string[] seeds) => ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = {{port}}
        akka.cluster.roles = ["{{role}}"]
        akka.cluster.seed-nodes = [{{string.Join(",", seeds.Select(s => $"\"{s}\""))}}]
        {{BytesJournal.Config}}
        """).WithFallback(AkkaConfigFiles.Load(AkkaConfigFiles.DefaultDirectory, role));

    /// <summary>A free TCP port on loopback (bound and released, as the tests never use fixed ports).</summary>
    public static string SeedOf(int port) => $"akka.tcp://{ClusterNodeOptions.SystemName}@127.0.0.1:{port}";
}
