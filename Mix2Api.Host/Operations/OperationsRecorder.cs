using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Http;
using Mix2Api.Host.Traces;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Host.Operations;

/// <summary>
/// What the admin view learns from each completed request: the verdict and SLO windows, the session activity and
/// (sampled) the trace. Called once per request by the <see cref="RequestReporter"/>.
/// </summary>
public sealed class OperationsRecorder(RequestOutcomes outcomes, SessionActivity sessions, TraceRecorder traces)
{
    public void Record(HttpContext context, RequestReport report, RequestCompleted e)
    {
        outcomes.Record(e, report.ToolLoopKey);
        if (report.SessionFingerprint is { } key && RequestOutcomes.IsChat(e))
        {
            var upstream = context.Response.Headers["x-session-id"].ToString();
            sessions.Record(key, upstream.Length > 0 ? Fingerprint.Of(upstream) : null);
        }
        traces.Record(e, report);
    }
}
