namespace Mix2Api.Actors.Runtime;

/// <summary>A message was sent to (or was still queued in) an actor that has stopped.</summary>
public sealed class ActorStoppedException(string actor) : Exception($"Actor {actor} has stopped");
