namespace Mix2Api.Actors.Runtime;

/// <summary>What a supervisor does with an actor whose handler threw (Akka <c>Directive</c>).</summary>
public enum Directive
{
    /// <summary>Keep the actor and its state; drop the failed message.</summary>
    Resume,
    /// <summary>Reset the actor's in-memory state, then continue with the next message.</summary>
    Restart,
    /// <summary>Stop the actor: the mailbox is closed and its owner forgets it.</summary>
    Stop,
    /// <summary>Stop the actor and hand the failure to its owner's escalation callback.</summary>
    Escalate,
}
