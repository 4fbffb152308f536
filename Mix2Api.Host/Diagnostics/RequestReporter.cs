using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Supervision;
using Serilog.Events;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Supervision's reporting end: the one place a finished request becomes its <c>request.completed</c>
/// log event and its metrics. Every handler records its exit; one that did not and answered 2xx/3xx (a probe,
/// the metrics page) completed, anything else unrecorded is a bug of ours, so no request ends <c>unknown</c>.
/// </summary>
public sealed class RequestReporter(Serilog.ILogger log, Mix2ApiSettings settings, TimeProvider time, RequestMetrics metrics,
    Operations.OperationsRecorder operations)
{
    private static readonly Serilog.Events.MessageTemplate Template = new Serilog.Parsing.MessageTemplateParser().Parse("request.completed");

    /// <summary>Raised for every completed request (tests and the admin view listen here).</summary>
    public event Action<RequestCompleted>? Completed;

    public void Report(HttpContext context, RequestReport report)
    {
        var status = context.Response.StatusCode;
        if (!report.Ended) report.End(status < 400 ? StreamExit.Completed : StreamExit.AdapterFault);
        var now = time.GetTimestamp();
        // The JSON formatter escapes values, so the model id is logged as sent (capped), without log injection.
        var model = report.Model is null ? "unknown" : report.Model.Length > 120 ? report.Model[..120] : report.Model;
        var evt = new RequestCompleted(
            report.RequestId,
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            status,
            Math.Round(time.GetElapsedTime(report.StartedAt, now).TotalMilliseconds, 2),
            report.FirstByteAt is { } fb ? Math.Round(time.GetElapsedTime(report.StartedAt, fb).TotalMilliseconds, 2) : null,
            report.Client,
            report.Stream is { } s ? (s ? "true" : "false") : "unknown",
            report.ToolsPresent is { } t ? (t ? "true" : "false") : "unknown",
            model,
            report.EndReason!.Value.ToWire(),
            report.Exit?.ToString() ?? "none",
            report.UpstreamStatus?.ToString() ?? "none",
            report.SessionFingerprint ?? "none",
            report.PromptTokens,
            report.CompletionTokens,
            settings.NodeId,
            settings.NodeChannel,
            report.Api,
            report.Budget);

        // The log line first: it is the one record every request must leave, whatever the views below do.
        var quiet = evt.Path.StartsWith("/health", StringComparison.Ordinal) || evt.Path == "/metrics";
        var level = quiet ? LogEventLevel.Debug
            : report.EndReason is EndReason.AdapterError ? LogEventLevel.Error
            : status >= 500 ? LogEventLevel.Warning : LogEventLevel.Information;
        if (log.IsEnabled(level)) log.Write(ToLogEvent(evt, level, report.Exception));
        metrics.Record(evt);
        operations.Record(context, report, evt);
        Completed?.Invoke(evt);
    }

    private static LogEvent ToLogEvent(RequestCompleted e, LogEventLevel level, Exception? ex) => new(
        DateTimeOffset.UtcNow, level, ex, Template,
        [
            P("event", "request.completed"), P("request_id", e.RequestId), P("method", e.Method), P("path", e.Path),
            P("http_status", e.HttpStatus), P("duration_ms", e.DurationMs), P("ttfb_ms", e.TtfbMs), P("client", e.Client),
            P("stream", e.Stream), P("tools_present", e.ToolsPresent), P("model", e.Model), P("end_reason", e.EndReason),
            P("exit", e.Exit), P("upstream_status", e.UpstreamStatus), P("session_fp", e.SessionFingerprint),
            P("prompt_tokens", e.PromptTokens), P("completion_tokens", e.CompletionTokens), P("node", e.Node), P("channel", e.Channel), P("api", e.Api),
            P("input_budget", e.Budget?.InputBudget ?? "none"), P("output_budget", e.Budget?.OutputTokens),
            P("budget_action", e.Budget?.Action.ToWire() ?? "none"), P("trimmed_messages", e.Budget?.TrimmedMessages),
        ]);

    private static LogEventProperty P(string name, object? value) => new(name, new ScalarValue(value));
}
