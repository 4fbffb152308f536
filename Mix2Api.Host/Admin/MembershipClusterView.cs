using Mix2Api.Actors.Membership;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="IClusterView"/> over the store-backed membership: every listed member heartbeats (stale ones are
/// dropped), so all are <c>up</c> and reachable. Leaving works for this node (graceful stop, as Akka's leave ends
/// in a shutdown); another node must be asked through its own admin endpoint until the Akka cluster replaces this.
/// </summary>
public sealed class MembershipClusterView(ClusterMembership membership, Mix2ApiSettings settings, AdminAddress admin,
    IHostApplicationLifetime lifetime, TimeProvider time) : IClusterView
{
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken)
    {
        var snapshot = await membership.SnapshotAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return snapshot.Members.Select(m => new ClusterMember(
            m.NodeId, [m.Channel], m.Channel, "up", Reachable: true,
            AgeSeconds: Math.Round((now - m.StartedAt) / 1000.0, 1), m.Version,
            m.NodeId == settings.NodeId ? admin.Url : null)).ToList();
    }

    public async Task<AdminActionResult> LeaveAsync(string address, CancellationToken cancellationToken)
    {
        if (!string.Equals(address, settings.NodeId, StringComparison.Ordinal))
        {
            var known = (await membership.SnapshotAsync(cancellationToken)).Members.Any(m => m.NodeId == address);
            return new AdminActionResult(false, known
                ? $"{address} is another node: run `ctl cluster leave {address}` against its own admin endpoint"
                : $"no member {address}");
        }
        await membership.LeaveAsync(cancellationToken);
        lifetime.StopApplication();
        return new AdminActionResult(true, $"{address} is leaving (draining, then stopping)", [address]);
    }

    public Task<AdminActionResult> DownUnreachableAsync(CancellationToken cancellationToken)
        // Members that stop heartbeating drop out after MEMBER_TTL_MS by themselves: there is never an unreachable one to down.
        => Task.FromResult(new AdminActionResult(true, "no unreachable members", []));
}
