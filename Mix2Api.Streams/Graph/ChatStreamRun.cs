using Akka.Streams;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One materialized request graph: its upstream body, what the turn saw, the client side's progress, and the
/// kill switch that ends it from outside (client abort, node shutdown) with a typed failure.
/// </summary>
public sealed record ChatStreamRun(UpstreamBody Upstream, StreamOutcome Outcome, ResponseProgress Response, UniqueKillSwitch KillSwitch)
{
    /// <summary>Waits for the graph to end and returns the one decision about how it ended.</summary>
    public async Task<ExitDecision> EndAsync()
    {
        try
        {
            await Response.Completion.ConfigureAwait(false);
            return ChatStreamSupervision.Decide(null, Outcome);
        }
        catch (Exception ex)
        {
            Failure = ex;
            return ChatStreamSupervision.Decide(ex, Outcome);
        }
    }

    /// <summary>The failure the graph ended with, for the log (after <see cref="EndAsync"/>).</summary>
    public Exception? Failure { get; private set; }
}
