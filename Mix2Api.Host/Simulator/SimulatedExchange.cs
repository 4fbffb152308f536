namespace Mix2Api.Host.Simulator;

/// <summary>
/// One chat request being served: which script runs, the ids it got, and awaitable progress
/// (<see cref="WhenStepFlushed"/>) and outcome (<see cref="WhenEnded"/>).
/// </summary>
public sealed class SimulatedExchange
{
    private readonly TaskCompletionSource<SimulatedExchangeEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _waitersLock = new();
    private List<(int Index, TaskCompletionSource Tcs)>? _stepWaiters;
    private int _stepsFlushed;

    internal SimulatedExchange(SimulatedRequest request, SimScript script, string sessionId, string exchangeId, string messageId, string question, long startedTimestamp)
    {
        Request = request;
        Script = script;
        SessionId = sessionId;
        ExchangeId = exchangeId;
        MessageId = messageId;
        Question = question;
        StartedTimestamp = startedTimestamp;
    }

    public SimulatedRequest Request { get; }

    public SimScript Script { get; }

    /// <summary>The request's <c>session_id</c> when it sent one, else a fresh <c>sess-&lt;n&gt;</c>.</summary>
    public string SessionId { get; }

    public string ExchangeId { get; }

    public string MessageId { get; }

    /// <summary>The user's question as the simulator understood it (last user message or the query's current question).</summary>
    public string Question { get; }

    public long StartedTimestamp { get; }

    public int StepsFlushed => Volatile.Read(ref _stepsFlushed);

    public Task<SimulatedExchangeEnd> WhenEnded => _ended.Task;

    /// <summary>
    /// Completes when step <paramref name="index"/> (0-based) has been written and flushed; faults with
    /// <see cref="InvalidOperationException"/> if the exchange ends before reaching it.
    /// </summary>
    public Task WhenStepFlushed(int index)
    {
        if (StepsFlushed > index) return Task.CompletedTask;
        lock (_waitersLock)
        {
            // Publish "someone waits" with a full fence before re-checking: MarkFlushed writes the count and
            // then reads this field, so one of the two always sees the other (no lost wake-up).
            if (_stepWaiters is null) Interlocked.Exchange(ref _stepWaiters, []);
            else Interlocked.MemoryBarrier();
            if (StepsFlushed > index) return Task.CompletedTask;
            if (_ended.Task.IsCompleted) return Task.FromException(NotReached(index));
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _stepWaiters.Add((index, tcs));
            return tcs.Task;
        }
    }

    internal void MarkFlushed(int index)
    {
        Interlocked.Exchange(ref _stepsFlushed, index + 1);
        if (Volatile.Read(ref _stepWaiters) is null) return; // the benchmark path: nobody waits
        lock (_waitersLock)
        {
            _stepWaiters!.RemoveAll(w =>
            {
                if (w.Index > index) return false;
                w.Tcs.TrySetResult();
                return true;
            });
        }
    }

    internal void End(SimulatedExchangeEnd end)
    {
        lock (_waitersLock)
        {
            _ended.TrySetResult(end);
            if (_stepWaiters is null) return;
            foreach (var (index, tcs) in _stepWaiters) tcs.TrySetException(NotReached(index));
            _stepWaiters.Clear();
        }
    }

    private InvalidOperationException NotReached(int index) =>
        new($"Exchange {ExchangeId} ({Script.Name}) ended after {StepsFlushed} steps without flushing step {index}.");

    public override string ToString() => $"{ExchangeId} {Script.Name} session={SessionId}";
}
