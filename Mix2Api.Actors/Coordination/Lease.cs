namespace Mix2Api.Actors.Coordination;

/// <summary>
/// A time-bounded claim on a name, after <c>Akka.Coordination.Lease</c>. While held it is renewed by a
/// heartbeat; when a renewal finds the lease taken or expired, the <c>onLost</c> callback runs once.
/// </summary>
public abstract class Lease(LeaseSettings settings)
{
    public LeaseSettings Settings { get; } = settings;

    /// <summary>Try once to take the lease. True = held now; <paramref name="onLost"/> runs if it is lost later.</summary>
    public abstract Task<bool> AcquireAsync(Action<Exception?> onLost, CancellationToken cancellationToken);

    /// <summary>Give the lease up (stops the heartbeat). True when it was ours and is released.</summary>
    public abstract Task<bool> ReleaseAsync();

    /// <summary>True means this owner certainly holds the lease right now; false means it might not.</summary>
    public abstract bool CheckLease();

    /// <summary>The fencing number of the current hold (grows with every acquisition); 0 when not held.</summary>
    public abstract long Fencing { get; }
}

/// <summary>Thrown to <c>onLost</c> when a heartbeat finds another holder or an expired lease.</summary>
public sealed class LeaseLostException(string name, string reason) : Exception($"Lease {name} lost: {reason}");
