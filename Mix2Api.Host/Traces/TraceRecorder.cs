using Mix2Api.Host.Admin;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Http;

namespace Mix2Api.Host.Traces;

/// <summary>
/// Samples completed requests (TRACE_SAMPLING_RATE) into redacted summaries: the dimensions of
/// <c>request.completed</c> plus message and tool counts; never a prompt, a tool payload or a secret, ids only as
/// fingerprints. Saving runs off the request path; a failure loses only the trace.
/// </summary>
public sealed class TraceRecorder(TraceSettings settings, ITraceStore store, TimeProvider time, ILogger<TraceRecorder> log, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public ITraceStore Store => store;

    /// <summary>Samples this request; returns the save in flight (null when not sampled), for tests to await.</summary>
    public Task? Record(RequestCompleted e, RequestReport report)
    {
        if (!settings.Enabled || e.Path.StartsWith("/health", StringComparison.Ordinal) || e.Path is "/metrics" or "/openapi/v1.json") return null;
        if (settings.SamplingRate < 1 && _random.NextDouble() >= settings.SamplingRate) return null;
        var now = time.GetUtcNow();
        var trace = new TraceSummary(
            "trace_" + Guid.NewGuid().ToString("N"), e.RequestId, now, now + settings.Retention, e.Node, e.Channel, e.Method, e.Path,
            e.Client, e.Model, e.Stream, e.ToolsPresent, report.MessageCount, report.ToolCount, e.EndReason, e.HttpStatus,
            e.UpstreamStatus, e.DurationMs, e.TtfbMs, e.SessionFingerprint, report.AuthFingerprint ?? "none");
        return SaveAsync(trace);
    }

    private async Task SaveAsync(TraceSummary trace)
    {
        try
        {
            await store.SaveAsync(trace, CancellationToken.None);
            log.LogDebug("trace.sampled trace_id={TraceId} expires_at={ExpiresAt:O} end_reason={EndReason}", trace.TraceId, trace.ExpiresAt, trace.EndReason);
        }
        catch (Exception ex)
        {
            log.LogWarning("trace {TraceId} not saved: {Reason}", trace.TraceId, ex.Message);
        }
    }
}
