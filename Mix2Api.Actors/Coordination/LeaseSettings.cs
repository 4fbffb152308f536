namespace Mix2Api.Actors.Coordination;

/// <summary>
/// Lease timing. As in Akka's <c>TimeoutSettings</c>, the heartbeat must be less than half the TTL so one
/// missed heartbeat never loses the lease; anything else is rejected at start-up.
/// </summary>
public sealed record LeaseSettings(string Name, string Owner, TimeSpan Ttl, TimeSpan HeartbeatInterval)
{
    public LeaseSettings Validate()
    {
        if (Ttl <= TimeSpan.Zero) throw new ArgumentException($"Lease {Name}: TTL must be positive (TOKEN_LEASE_TTL_MS)");
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval * 2 >= Ttl)
            throw new ArgumentException($"Lease {Name}: heartbeat interval {HeartbeatInterval.TotalMilliseconds} ms must be less than half the TTL {Ttl.TotalMilliseconds} ms (TOKEN_LEASE_HEARTBEAT_MS < TOKEN_LEASE_TTL_MS / 2)");
        if (string.IsNullOrWhiteSpace(Owner) || Owner.Contains('|')) throw new ArgumentException($"Lease {Name}: owner must be non-empty and contain no '|'");
        return this;
    }
}
