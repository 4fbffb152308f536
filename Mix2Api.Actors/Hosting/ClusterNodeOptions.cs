using Akka.Actor;

namespace Mix2Api.Actors.Hosting;

/// <summary>This node in the Akka cluster (SPEC §11). Each property names its environment variable.</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>The actor system's name; every node of one cluster must use it (seed URIs name it too).</summary>
    public const string SystemName = "mix2api";

    /// <summary>NODE_ID: this node's id in logs and health (not the cluster address).</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>NODE_CHANNEL: stable | canary; the node's cluster role.</summary>
    public string Channel { get; init; } = "stable";

    /// <summary>CLUSTER_HOSTNAME: the address Akka.Remote binds (loopback unless configured).</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>CLUSTER_PUBLIC_HOSTNAME: the address other nodes use to reach this one (default: <see cref="Hostname"/>).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>CLUSTER_PORT: the Akka.Remote port; 0 = any free port (a one-node cluster only: no one could list it as a seed).</summary>
    public int Port { get; init; } = 4053;

    /// <summary>CLUSTER_SEED_NODES: <c>akka.tcp://mix2api@host:port</c> URIs; empty = this node forms a one-node cluster by itself.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Problems with these settings, each naming the variable to fix; empty when they can work.</summary>
    public IEnumerable<string> Problems()
    {
        if (Channel is not ("stable" or "canary"))
            yield return $"Invalid NODE_CHANNEL '{Channel}': expected stable or canary";
        if (string.IsNullOrWhiteSpace(Hostname))
            yield return "CLUSTER_HOSTNAME must not be empty";
        if (Port is < 0 or > 65535)
            yield return $"Invalid CLUSTER_PORT '{Port}': expected 0-65535";
        foreach (var seed in SeedNodes)
        {
            if (ParseSeed(seed) is { } error) yield return $"Invalid CLUSTER_SEED_NODES entry '{seed}': {error}";
        }
    }

    /// <summary>Null when <paramref name="seed"/> is a usable seed address, else what is wrong with it.</summary>
    public static string? ParseSeed(string seed)
    {
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException or NullReferenceException)
        {
            return "expected akka.tcp://mix2api@host:port";
        }
        if (address.Protocol != "akka.tcp") return $"protocol must be akka.tcp, not {address.Protocol}";
        if (address.System != SystemName) return $"the actor system must be {SystemName}, not {address.System}";
        if (string.IsNullOrEmpty(address.Host) || address.Port is null or <= 0) return "expected akka.tcp://mix2api@host:port with a port";
        return null;
    }
}
