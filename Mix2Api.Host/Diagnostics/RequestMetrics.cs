using Mix2Api.Host.Operations;
using Prometheus;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Request metrics by client × stream × tools_present × end_reason × http_status × upstream_status × channel × api
/// (SPEC §7.2): a counter and duration and TTFB histograms; the active-streams gauge and the chunks counter.
/// </summary>
public sealed class RequestMetrics
{
    private static readonly string[] Labels = ["client", "stream", "tools_present", "end_reason", "http_status", "upstream_status", "channel", "api"];

    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly Histogram _ttfb;
    private readonly Counter _chunks;
    private readonly string _channel;
    private readonly BudgetMetrics _budget;

    public RequestMetrics(NodeMetrics metrics, LiveStreams streams, Hosting.Mix2ApiSettings settings)
    {
        var f = metrics.Factory;
        _channel = settings.NodeChannel;
        _requests = f.CreateCounter("mix2api_requests_total", "Requests by their request.completed dimensions.", Labels);
        _duration = f.CreateHistogram("mix2api_request_duration_seconds", "Time from the request's arrival to its end.", Labels,
            new HistogramConfiguration { Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] });
        _ttfb = f.CreateHistogram("mix2api_ttfb_seconds", "Time from the request's arrival to the first response byte.", Labels,
            new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _chunks = f.CreateCounter("mix2api_stream_chunks_total", "chat.completion.chunk events sent on finished streams.", ["client", "channel"]);
        var active = f.CreateGauge("mix2api_active_streams", "Streams being served now.");
        metrics.Registry.AddBeforeCollectCallback(() => active.Set(streams.Count));
        streams.Closed += entry => _chunks.WithLabels(entry.Client, _channel).Inc(entry.Chunks);
        _budget = new BudgetMetrics(f);
    }

    public void Record(RequestCompleted e)
    {
        if (e.Path.StartsWith("/health", StringComparison.Ordinal) || e.Path is "/metrics" or "/openapi/v1.json") return;
        _budget.Record(e.Budget);
        var status = e.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _requests.WithLabels(e.Client, e.Stream, e.ToolsPresent, e.EndReason, status, e.UpstreamStatus, e.Channel, e.Api).Inc();
        _duration.WithLabels(e.Client, e.Stream, e.ToolsPresent, e.EndReason, status, e.UpstreamStatus, e.Channel, e.Api).Observe(e.DurationMs / 1000.0);
        if (e.TtfbMs is { } t)
            _ttfb.WithLabels(e.Client, e.Stream, e.ToolsPresent, e.EndReason, status, e.UpstreamStatus, e.Channel, e.Api).Observe(t / 1000.0);
    }
}
