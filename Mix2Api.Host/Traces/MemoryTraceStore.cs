using Mix2Api.Host.Admin;

namespace Mix2Api.Host.Traces;

/// <summary>Traces in this process: bounded (oldest dropped first), expired entries removed on every save and read.</summary>
public sealed class MemoryTraceStore(int maxEntries, TimeProvider time) : ITraceStore
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TraceSummary> _traces = new();

    public int Count
    {
        get { lock (_gate) return _traces.Count; }
    }

    public Task SaveAsync(TraceSummary trace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Purge();
            while (_traces.Count >= maxEntries) _traces.RemoveFirst();
            _traces.AddLast(trace);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TraceSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Purge();
            IReadOnlyList<TraceSummary> list = _traces.Reverse().Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<TraceSummary?> FindAsync(string traceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Purge();
            return Task.FromResult(_traces.FirstOrDefault(t => t.TraceId == traceId));
        }
    }

    /// <summary>Traces are added in time order with one retention, so the expired ones are always at the front.</summary>
    private void Purge()
    {
        var now = time.GetUtcNow();
        while (_traces.First is { } first && first.Value.ExpiresAt <= now) _traces.RemoveFirst();
    }
}
