namespace Mix2Api.Host.Simulator;

/// <summary>How a simulated exchange ended, seen from the simulator.</summary>
public enum SimulatedEndKind
{
    /// <summary>The script ran to its end (including non-SSE replies and rejections).</summary>
    Completed,

    /// <summary>The client closed the connection (RequestAborted fired or a write found the peer gone).</summary>
    PeerClosed,

    /// <summary>The script's <see cref="SimStep.Drop"/> aborted the connection.</summary>
    Dropped,

    /// <summary>The simulator was stopped while the exchange ran.</summary>
    ServerStopped,

    /// <summary>An unexpected exception in the simulator (a bug); see <see cref="SimulatedExchangeEnd.Error"/>.</summary>
    Faulted,
}
