namespace Mix2Api.Actors.Sessions;

/// <summary>
/// The lifecycle of one <see cref="SessionEntity"/> incarnation (after Akka's Shard entity states):
/// <code>
///                 recovered                        idle (sharding passivates it)
///   ┌─────────┐ ──────────► ┌────────┐ ────────────────────────────────────► ┌─────────────┐
///   │ Created │             │ Active │ ◄─┐ begin / complete / abandon turn    │ Passivating │
///   └────┬────┘             └───┬────┘ ──┘                                    └──────┬──────┘
///        │ recovery failed      │ persist failed, node leaving                       │ stopped
///        ▼                      ▼                                                    ▼
///   ┌─────────────────────────────────────────────────────────────────────────────────────┐
///   │                                      Stopped                                        │
///   └─────────────────────────────────────────────────────────────────────────────────────┘
/// </code>
/// A stopped entity is gone from its shard; the next message for the key starts a new incarnation, which
/// recovers the state from the journal (so the shard can move to any node).
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
