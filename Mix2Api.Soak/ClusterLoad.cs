using System.Collections.Concurrent;

namespace Mix2Api.Soak;

/// <summary>
/// One request of the cluster soak: what the client saw, which node it was sent to, and for a later turn of a
/// conversation whether it went on on the upstream session of the turn before (null for a first turn).
/// </summary>
public sealed record ClusterTurn(SoakOutcome Outcome, int Node, bool? KeptSession);

/// <summary>
/// The cluster soak's load: workers that each hold conversations of 2-5 turns (stream, non-stream, tools; the whole
/// history resent every turn, so sessions matter), turn after turn, hopping between the nodes that are open. A closed
/// node gets no new request (the runner closes a node before it kills or stops it, as a load balancer would).
/// </summary>
public sealed class ClusterLoad(SoakClient client, int seed, int nodes)
{
    private readonly Uri?[] _targets = new Uri?[nodes];
    private readonly ConcurrentQueue<ClusterTurn> _turns = new();
    private int _next = -1;

    public IReadOnlyCollection<ClusterTurn> Turns => _turns;

    public void Open(int node, Uri baseUrl) => Volatile.Write(ref _targets[node], new Uri(baseUrl, "v1/chat/completions"));

    public void Close(int node) => Volatile.Write(ref _targets[node], null);

    /// <summary>Runs <paramref name="workers"/> clients until <paramref name="stop"/>; each finishes the turn it is in.</summary>
    public Task RunAsync(int workers, CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkerAsync(stop)));

    private async Task WorkerAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var first = Interlocked.Increment(ref _next);
            var turns = new Random(unchecked(seed * 7919 + first)).Next(2, 6);
            var earlier = new List<string>(turns);
            string? session = null;
            for (var turn = 0; turn < turns && !stop.IsCancellationRequested; turn++)
            {
                var index = turn == 0 ? first : Interlocked.Increment(ref _next);
                var plan = SoakPlan.Draw(seed, index, abortRate: 0, validOnly: true) with { Earlier = [.. earlier], Caller = first };
                var (node, url) = await TargetAsync(first + turn, stop);
                if (url is null) return;
                var outcome = await client.RunAsync(plan, url);
                _turns.Enqueue(new ClusterTurn(outcome, node, turn == 0 ? null : session is not null && outcome.SessionId == session));
                session = outcome.SessionId;
                earlier.Add(plan.Text);
            }
        }
    }

    /// <summary>Node <c>hop % nodes</c> when it is open, else the next open one; waits while none is.</summary>
    private async Task<(int Node, Uri? Url)> TargetAsync(int hop, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < nodes; i++)
            {
                var node = (hop + i) % nodes;
                if (Volatile.Read(ref _targets[node]) is { } url) return (node, url);
            }
            await Task.Delay(50, CancellationToken.None);
        }
        return (-1, null);
    }
}
