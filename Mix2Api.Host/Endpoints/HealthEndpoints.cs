using System.Text.Json;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Upstream;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>/health</c> (the Node adapter's shape, extended), <c>/health/live</c> and <c>/health/ready</c>.
/// A degraded store still serves (from memory), so it is reported, not turned into a 503.
/// </summary>
public sealed class HealthEndpoints(Mix2ApiSettings settings, UpstreamTarget target, ShutdownCoordinator shutdown,
    RequestMetrics metrics, IEnumerable<IHealthContributor> contributors)
{
    public static readonly string Version = typeof(HealthEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Task LiveAsync(HttpContext context) => WriteStatus(context, 200, "ok");

    public Task ReadyAsync(HttpContext context)
    {
        var ready = !shutdown.Stopping && contributors.All(c => c.Ready);
        return WriteStatus(context, ready ? 200 : 503, ready ? "ready" : "not_ready");
    }

    public async Task HealthAsync(HttpContext context)
    {
        var degraded = contributors.Any(c => c.Degraded);
        context.Response.ContentType = "application/json; charset=utf-8";
        using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("status", shutdown.Stopping ? "stopping" : degraded ? "degraded" : "ok");
        w.WriteString("service", "mix2api");
        w.WriteString("version", Version);
        w.WriteString("node", settings.NodeId);
        w.WriteString("channel", settings.NodeChannel);
        w.WriteStartObject("upstream");
        w.WriteString("mode", target.IsSimulator ? "simulator" : "configured");
        w.WriteString("host", target.Base.Host);
        if (target.IsSimulator) w.WriteString("notice", "built-in upstream simulator (embedded default): not a real model");
        w.WriteEndObject();
        w.WriteNumber("active_streams", metrics.ActiveStreams);
        foreach (var contributor in contributors) contributor.Write(w);
        w.WriteEndObject();
        await w.FlushAsync();
    }

    private static async Task WriteStatus(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync($"{{\"status\":\"{text}\"}}");
    }
}
