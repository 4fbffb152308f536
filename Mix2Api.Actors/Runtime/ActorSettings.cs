using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mix2Api.Actors.Runtime;

/// <summary>How one actor runs (Akka <c>Props</c> plus mailbox and receive-timeout settings).</summary>
public sealed record ActorSettings(string Name)
{
    /// <summary>Bounded so a stuck actor pushes back on its senders instead of growing without limit.</summary>
    public int MailboxCapacity { get; init; } = 256;

    /// <summary>Idle time after which <see cref="ReceiveActor{T}.OnReceiveTimeoutAsync"/> runs (passivation); null = never.</summary>
    public TimeSpan? ReceiveTimeout { get; init; }

    public SupervisorStrategy Supervisor { get; init; } = SupervisorStrategy.Default;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Called with the failure when the directive is <see cref="Directive.Escalate"/>.</summary>
    public Action<Exception>? OnEscalate { get; init; }
}
