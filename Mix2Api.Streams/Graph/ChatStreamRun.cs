using Akka;
using Akka.Streams;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One request's graph run: its upstream body, what the turn saw, the client side's progress, and the abort switch
/// that ends it from outside (client abort, node shutdown) with a typed failure. All of them exist before the graph
/// is materialized on its <see cref="GraphHost"/>, so the endpoint binds its aborts and awaits the end at once.
/// </summary>
public sealed class ChatStreamRun : IHostedGraph
{
    private readonly IGraph<ClosedShape, NotUsed> _blueprint;
    private readonly AbortSwitch _abort = new();
    private readonly Attributes _parts;

    internal ChatStreamRun(IGraph<ClosedShape, NotUsed> blueprint, UpstreamBody upstream, ChatTurn.Parts turn, ResponseSink.Target client)
    {
        _blueprint = blueprint;
        Upstream = upstream;
        Outcome = turn.Outcome;
        Response = client.Progress;
        _parts = new Attributes(upstream, _abort, turn, client);
    }

    public UpstreamBody Upstream { get; }

    public StreamOutcome Outcome { get; }

    public ResponseProgress Response { get; }

    /// <summary>The failure the graph ended with, for the log (after <see cref="EndAsync"/>).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Ends the graph with a typed failure (<see cref="ClientAbortedException"/>, <see cref="NodeShuttingDownException"/>); the first abort wins.</summary>
    public void Abort(Exception reason) => _abort.Abort(reason);

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

    void IHostedGraph.Materialize(IMaterializer materializer) => materializer.Materialize(_blueprint, _parts);

    void IHostedGraph.Refuse(Exception reason)
    {
        Upstream.Release(normalFinish: false);
        Response.Fail(reason);
    }
}
