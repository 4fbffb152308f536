namespace Mix2Api.Actors.Membership;

/// <summary>This node's identity in the cluster. Each property names its environment variable.</summary>
public sealed record MembershipOptions
{
    /// <summary>NODE_ID: unique per node; default = host name + process id.</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>NODE_CHANNEL: stable | canary.</summary>
    public string Channel { get; init; } = "stable";

    /// <summary>NODE_VERSION: the build this node runs (default: the Mix2Api.Actors assembly version).</summary>
    public string Version { get; init; } = typeof(MembershipOptions).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>MEMBER_HEARTBEAT_MS: how often the node rewrites its record.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(5_000);

    /// <summary>MEMBER_TTL_MS: a member silent for this long is no longer listed.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMilliseconds(15_000);
}
