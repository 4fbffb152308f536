namespace Mix2Api.Actors.State;

/// <summary>
/// The state store as <c>/health</c> shows it (digest §1.9 <c>session_store</c>, plus <see cref="LastError"/>).
/// <see cref="Degraded"/> means Redis is expected but requests are being served from memory.
/// </summary>
public sealed record StoreHealth(
    /// <summary><c>redis</c> when Redis is configured (mode redis, or auto with REDIS_URL), else <c>memory</c>.</summary>
    string Mode,
    bool Degraded,
    /// <summary>True while the Redis connection is up and answering pings.</summary>
    bool Connected,
    /// <summary>Why the store is degraded (e.g. <c>command timeout</c>, <c>ping failed</c>); null when healthy.</summary>
    string? Reason,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    public static readonly StoreHealth Memory = new("memory", false, false, null, null, null);
}
