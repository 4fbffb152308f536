namespace Mix2Api.Actors.Runtime;

/// <summary>An actor failed in its start hook; the default decider stops rather than restarts it.</summary>
public sealed class ActorInitializationException(string actor, Exception inner)
    : Exception($"Actor {actor} failed to start: {inner.Message}", inner);
