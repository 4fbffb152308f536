namespace Mix2Api.Host.Admin;

/// <summary>
/// The cluster as the admin API shows and steers it
/// (<see cref="AkkaClusterView"/>: <c>Cluster.Get(system).State</c>, <c>Leave</c> and <c>Down</c>).
/// </summary>
public interface IClusterView
{
    Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken);

    /// <summary>Asks the member at <paramref name="address"/> to leave the cluster gracefully.</summary>
    Task<AdminActionResult> LeaveAsync(string address, CancellationToken cancellationToken);

    /// <summary>Downs every member this node sees as unreachable.</summary>
    Task<AdminActionResult> DownUnreachableAsync(CancellationToken cancellationToken);
}
