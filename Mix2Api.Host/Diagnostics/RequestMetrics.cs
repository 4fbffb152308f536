using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Counters and duration sums by client × stream × tools_present × end_reason × http_status ×
/// upstream_status × channel × api, rendered as Prometheus text on <c>GET /metrics</c>.
/// </summary>
public sealed class RequestMetrics
{
    private sealed class Series
    {
        public long Count;
        public double DurationSum;
        public double TtfbSum;
        public long TtfbCount;
    }

    /// <summary>The label set of a series: a struct key, so recording a request builds no label string.</summary>
    private readonly record struct Labels(string Client, string Stream, string ToolsPresent, string EndReason, int HttpStatus,
        string UpstreamStatus, string Channel, string Api)
    {
        public override string ToString()
            => $"client=\"{Client}\",stream=\"{Stream}\",tools_present=\"{ToolsPresent}\",end_reason=\"{EndReason}\","
                + $"http_status=\"{HttpStatus}\",upstream_status=\"{UpstreamStatus}\",channel=\"{Channel}\",api=\"{Api}\"";
    }

    private readonly ConcurrentDictionary<Labels, Series> _series = new();
    private long _activeStreams;

    public long ActiveStreams => Interlocked.Read(ref _activeStreams);

    public void StreamOpened() => Interlocked.Increment(ref _activeStreams);

    public void StreamClosed() => Interlocked.Decrement(ref _activeStreams);

    public void Record(RequestCompleted e)
    {
        if (e.Path.StartsWith("/health", StringComparison.Ordinal) || e.Path == "/metrics") return;
        var labels = new Labels(e.Client, e.Stream, e.ToolsPresent, e.EndReason, e.HttpStatus, e.UpstreamStatus, e.Channel, e.Api);
        var s = _series.GetOrAdd(labels, static _ => new Series());
        lock (s)
        {
            s.Count++;
            s.DurationSum += e.DurationMs / 1000.0;
            if (e.TtfbMs is { } t)
            {
                s.TtfbSum += t / 1000.0;
                s.TtfbCount++;
            }
        }
    }

    /// <summary>Per series: (labels, count). For the admin view and tests.</summary>
    public IReadOnlyList<(string Labels, long Count)> Snapshot()
        => _series.Select(kv => (kv.Key.ToString(), Interlocked.Read(ref kv.Value.Count))).ToList();

    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# TYPE mix2api_requests_total counter\n");
        foreach (var (labels, s) in _series) sb.Append("mix2api_requests_total{").Append(labels).Append("} ").Append(s.Count).Append('\n');
        sb.Append("# TYPE mix2api_request_duration_seconds_sum counter\n");
        foreach (var (labels, s) in _series)
            sb.Append("mix2api_request_duration_seconds_sum{").Append(labels).Append("} ").Append(s.DurationSum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("# TYPE mix2api_ttfb_seconds_sum counter\n");
        foreach (var (labels, s) in _series)
            sb.Append("mix2api_ttfb_seconds_sum{").Append(labels).Append("} ").Append(s.TtfbSum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("# TYPE mix2api_active_streams gauge\nmix2api_active_streams ").Append(ActiveStreams).Append('\n');
        return sb.ToString();
    }
}
