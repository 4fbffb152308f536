namespace Mix2Api.Host.Simulator;

/// <summary>The outcome of one chat exchange.</summary>
/// <param name="Timestamp">When it ended, in <see cref="TimeProvider.GetTimestamp"/> ticks (Stopwatch ticks with the system clock).</param>
/// <param name="StepsFlushed">How many script steps were completely written and flushed.</param>
public sealed record SimulatedExchangeEnd(SimulatedEndKind Kind, long Timestamp, int StepsFlushed, Exception? Error = null)
{
    public bool PeerClosed => Kind == SimulatedEndKind.PeerClosed;
}
