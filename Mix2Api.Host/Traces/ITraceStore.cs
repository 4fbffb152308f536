using Mix2Api.Host.Admin;

namespace Mix2Api.Host.Traces;

/// <summary>Where sampled traces live until they expire (TRACE_RETENTION_MS).</summary>
public interface ITraceStore
{
    Task SaveAsync(TraceSummary trace, CancellationToken cancellationToken);

    /// <summary>The newest traces first, at most <paramref name="limit"/>; expired ones never appear.</summary>
    Task<IReadOnlyList<TraceSummary>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<TraceSummary?> FindAsync(string traceId, CancellationToken cancellationToken);
}
