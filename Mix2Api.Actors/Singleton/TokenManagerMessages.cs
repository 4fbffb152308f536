using Mix2Api.Actors.Runtime;

namespace Mix2Api.Actors.Singleton;

/// <summary>Messages of the <see cref="TokenManagerSingleton"/>; lease and login results come back as these.</summary>
public interface ITokenManagerMessage;

/// <summary>Try to take the token lease (self-scheduled while Acquiring).</summary>
public sealed record TryAcquireLease : ITokenManagerMessage
{
    public static readonly TryAcquireLease Instance = new();
    private TryAcquireLease() { }
}

public sealed record LeaseAcquired(long Fencing) : ITokenManagerMessage;
public sealed record LeaseNotAcquired(Exception? Error) : ITokenManagerMessage;
public sealed record LeaseLost(Exception? Reason) : ITokenManagerMessage;

/// <summary>Time to make sure the shared token is fresh (self-scheduled while Active).</summary>
public sealed record RenewDue : ITokenManagerMessage
{
    public static readonly RenewDue Instance = new();
    private RenewDue() { }
}

public sealed record TokenRenewed(SharedToken Token) : ITokenManagerMessage;
public sealed record TokenRenewFailed(Exception Error) : ITokenManagerMessage;

/// <summary>Release the lease and stop (graceful shutdown); replies when done.</summary>
public sealed record HandOver(Reply<bool> Reply) : ITokenManagerMessage, IReplyable
{
    public void Fail(Exception exception) => Reply.Fail(exception);
}

public sealed record HandedOver(bool Released) : ITokenManagerMessage;

/// <summary>The singleton's states (Akka ClusterSingletonManager: AcquiringLease / Oldest / HandingOver).</summary>
public enum TokenManagerState
{
    Acquiring,
    Active,
    HandingOver,
    Stopped,
}
