namespace Mix2Api.Actors.Sessions;

/// <summary>
/// The lifecycle of one session entity in one node (after Akka's Shard entity states):
/// <code>
///                 activate                         idle timeout, no turn in flight
///   ┌─────────┐ ──────────► ┌────────┐ ────────────────────────────────────► ┌─────────────┐
///   │ Created │             │ Active │ ◄─┐ begin / complete / abandon turn    │ Passivating │
///   └────┬────┘             └───┬────┘ ──┘                                    └──────┬──────┘
///        │ start failed         │ failure beyond the restart budget                  │ mailbox drained
///        ▼                      ▼                                                    ▼
///   ┌─────────────────────────────────────────────────────────────────────────────────────┐
///   │                                      Stopped                                        │
///   └─────────────────────────────────────────────────────────────────────────────────────┘
/// </code>
/// A stopped entity is gone from its region; the next turn for the key activates a new one, which reads
/// the state from the store (so any node can activate any key).
/// </summary>
public enum SessionLifecycleState
{
    Created,
    Active,
    Passivating,
    Stopped,
}

public static class SessionLifecycle
{
    public static bool CanTransition(SessionLifecycleState from, SessionLifecycleState to) => (from, to) switch
    {
        (SessionLifecycleState.Created, SessionLifecycleState.Active) => true,
        (SessionLifecycleState.Created, SessionLifecycleState.Stopped) => true,
        (SessionLifecycleState.Active, SessionLifecycleState.Active) => true,
        (SessionLifecycleState.Active, SessionLifecycleState.Passivating) => true,
        (SessionLifecycleState.Active, SessionLifecycleState.Stopped) => true,
        (SessionLifecycleState.Passivating, SessionLifecycleState.Stopped) => true,
        _ => false,
    };

    /// <summary>The next state, or <see cref="IllegalTransitionException"/> for a move the diagram does not allow.</summary>
    public static SessionLifecycleState Transition(SessionLifecycleState from, SessionLifecycleState to)
        => CanTransition(from, to) ? to : throw new IllegalTransitionException(from, to);
}

public sealed class IllegalTransitionException(SessionLifecycleState from, SessionLifecycleState to)
    : InvalidOperationException($"Illegal session entity transition {from} -> {to}")
{
    public SessionLifecycleState From { get; } = from;
    public SessionLifecycleState To { get; } = to;
}
