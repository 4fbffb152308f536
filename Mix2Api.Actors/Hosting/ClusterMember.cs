using Akka.Cluster;

namespace Mix2Api.Actors.Hosting;

/// <summary>One member of the Akka cluster as <c>/health</c> lists it (SPEC §7.3).</summary>
public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string? Channel, string Status, bool Reachable)
{
    /// <summary>SPEC §7.3 names: joining, up, leaving, exiting, down, removed (weakly-up counts as joining).</summary>
    public static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.Joining or MemberStatus.WeaklyUp => "joining",
        MemberStatus.Up => "up",
        MemberStatus.Leaving => "leaving",
        MemberStatus.Exiting => "exiting",
        MemberStatus.Down => "down",
        _ => "removed",
    };

    public static ClusterMember From(Member member, bool reachable)
    {
        var roles = member.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var channel = roles.FirstOrDefault(r => r is "stable" or "canary");
        return new ClusterMember(member.Address.ToString(), roles, channel, StatusName(member.Status), reachable);
    }
}

/// <summary>The cluster as this node sees it: its own address, whether it is up, and every member.</summary>
public sealed record ClusterView(string Self, bool SelfUp, IReadOnlyList<ClusterMember> Members)
{
    public static readonly ClusterView NotStarted = new("", false, []);

    public static ClusterView Of(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable;
        var members = state.Members
            .Select(m => ClusterMember.From(m, !unreachable.Contains(m)))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), cluster.SelfMember.Status == MemberStatus.Up, members);
    }
}
