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

    // Values every request logs alike are made once.
    private static readonly ScalarValue EventName = new("request.completed");
    private static readonly ScalarValue NoValue = new(null);
    private static readonly ScalarValue NoneValue = new("none");

    /// <summary>
    /// The event assembled into one dictionary sized for its properties and the logger's enrichers, instead of
    /// the constructor's copy of a property list (which grew its dictionary three times per request).
    /// </summary>
    private static LogEvent ToLogEvent(RequestCompleted e, LogEventLevel level, Exception? ex)
    {
        var properties = new Dictionary<string, LogEventPropertyValue>(PropertyCapacity)
        {
            ["event"] = EventName, ["request_id"] = V(e.RequestId), ["method"] = V(e.Method), ["path"] = V(e.Path),
            ["http_status"] = new ScalarValue(e.HttpStatus), ["duration_ms"] = new ScalarValue(e.DurationMs), ["ttfb_ms"] = V(e.TtfbMs),
            ["client"] = V(e.Client), ["stream"] = V(e.Stream), ["tools_present"] = V(e.ToolsPresent), ["model"] = V(e.Model),
            ["end_reason"] = V(e.EndReason), ["exit"] = V(e.Exit), ["upstream_status"] = V(e.UpstreamStatus), ["session_fp"] = V(e.SessionFingerprint),
            ["prompt_tokens"] = V(e.PromptTokens), ["completion_tokens"] = V(e.CompletionTokens), ["node"] = V(e.Node), ["channel"] = V(e.Channel),
            ["api"] = V(e.Api), ["input_budget"] = e.Budget?.InputBudget is { } input ? new ScalarValue(input) : NoneValue,
            ["output_budget"] = V(e.Budget?.OutputTokens), ["budget_action"] = e.Budget is { } b ? V(b.Action.ToWire()) : NoneValue,
            ["trimmed_messages"] = V(e.Budget?.TrimmedMessages),
        };
        return LogEvent.UnstableAssembleFromParts(DateTimeOffset.UtcNow, level, ex, Template, properties, default, default);
    }

    /// <summary>The 24 properties above plus room for the enrichers (node, channel, source context).</summary>
    private const int PropertyCapacity = 32;

    private static ScalarValue V(string? value) => value is null ? NoValue : value == "none" ? NoneValue : new ScalarValue(value);

    private static ScalarValue V(int? value) => value is { } v ? new ScalarValue(v) : NoValue;

    private static ScalarValue V(double? value) => value is { } v ? new ScalarValue(v) : NoValue;
}
