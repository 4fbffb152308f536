using Akka.Actor;
using Mix2Api.Actors.Hosting;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="IClusterView"/> over Akka.Cluster: members with their roles, status and reachability as this node sees
/// them; leave and down go through <c>Cluster.Leave</c> / <c>Cluster.Down</c>. A member's admin URL is its cluster
/// host with this node's admin port (every node of one deployment uses the same ADMIN_PORT).
/// </summary>
public sealed class AkkaClusterView(ActorSystem system, ActorsStatus status, AdminAddress admin, TimeProvider time) : IClusterView
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken)
    {
        var view = status.Cluster;
        var cluster = Akka.Cluster.Cluster.Get(system);
        var versions = cluster.State.Members.ToDictionary(m => m.Address.ToString(), m => m.AppVersion.ToString());
        var adminPort = admin.Url is { } url ? new Uri(url).Port : 0;
        IReadOnlyList<ClusterMember> members = view.Members.Select(m => new ClusterMember(
            m.Address, m.Roles, m.Channel ?? "", m.Status, m.Reachable,
            m.Address == view.Self ? Math.Round((time.GetUtcNow() - _started).TotalSeconds, 1) : null,
            versions.GetValueOrDefault(m.Address),
            m.Address == view.Self ? admin.Url : AdminUrlOf(m.Address, adminPort))).ToList();
        return Task.FromResult(members);
    }

    public Task<AdminActionResult> LeaveAsync(string address, CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var member = cluster.State.Members.FirstOrDefault(m => m.Address.ToString() == address);
        if (member is null) return Task.FromResult(new AdminActionResult(false, $"no member {address}"));
        cluster.Leave(member.Address);
        return Task.FromResult(new AdminActionResult(true, $"{address} is leaving (its shards and the token singleton hand over)", [address]));
    }

    public Task<AdminActionResult> DownUnreachableAsync(CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable) cluster.Down(address);
        return Task.FromResult(unreachable.Count == 0
            ? new AdminActionResult(true, "no unreachable members", [])
            : new AdminActionResult(true, $"downed {unreachable.Count} unreachable member(s)", unreachable.Select(a => a.ToString()).ToList()));
    }

    private static string? AdminUrlOf(string akkaAddress, int adminPort)
        => adminPort > 0 && Address.Parse(akkaAddress).Host is { Length: > 0 } host ? $"http://{host}:{adminPort}" : null;
}
