using Prometheus;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// This node's Prometheus registry (prometheus-net): one per host, not the library's static default, so several
/// nodes in one process (tests) keep their own figures. Served on <c>GET /metrics</c> of the chat and admin ports.
/// </summary>
public sealed class NodeMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public IMetricFactory Factory { get; }

    public NodeMetrics() => Factory = Metrics.WithCustomRegistry(Registry);

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = ContentType;
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}
