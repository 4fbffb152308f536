using System.Text.Json;
using Mix2Api.Actors.Hosting;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>/health</c> (the Node adapter's shape, extended with node, channel, members and token),
/// <c>/health/live</c> and <c>/health/ready</c>. A degraded store still serves (from memory), so it is
/// reported as <c>degraded</c> with 200, never turned into a 503 that would take the node out.
/// </summary>
public sealed class HealthEndpoints(Mix2ApiSettings settings, UpstreamTarget target, ShutdownCoordinator shutdown,
    RequestMetrics metrics, ActorsStatus actors)
{
    public static readonly string Version = typeof(HealthEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Task LiveAsync(HttpContext context) => WriteStatus(context, 200, "ok");

    public Task ReadyAsync(HttpContext context)
        => shutdown.Stopping ? WriteStatus(context, 503, "stopping") : WriteStatus(context, 200, actors.StoreHealth.Degraded ? "degraded" : "ready");

    public async Task HealthAsync(HttpContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        var status = await actors.GetAsync(timeout.Token);
        var store = status.Store;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("status", shutdown.Stopping ? "stopping" : store.Degraded ? "degraded" : "ok");
        w.WriteString("service", "mix2api");
        w.WriteString("version", Version);
        w.WriteString("node", settings.NodeId);
        w.WriteString("channel", settings.NodeChannel);
        w.WriteStartObject("upstream");
        w.WriteString("mode", target.IsSimulator ? "simulator" : "configured");
        w.WriteString("host", target.Base.Host);
        w.WriteString("auth_mode", settings.UpstreamAuthMode);
        if (target.IsSimulator) w.WriteString("notice", "built-in upstream simulator (embedded default): not a real model");
        w.WriteEndObject();
        w.WriteNumber("active_streams", metrics.ActiveStreams);
        w.WriteNumber("active_sessions", status.ActiveSessionEntities);
        w.WriteStartObject("session_store");
        w.WriteString("mode", store.Mode);
        w.WriteBoolean("degraded", store.Degraded);
        w.WriteBoolean("connected", store.Connected);
        if (store.Reason is null) w.WriteNull("reason"); else w.WriteString("reason", store.Reason);
        w.WriteEndObject();
        w.WriteStartArray("members");
        foreach (var m in status.Cluster.Members)
        {
            w.WriteStartObject();
            w.WriteString("node", m.NodeId);
            w.WriteString("channel", m.Channel);
            w.WriteString("version", m.Version);
            w.WriteString("started_at", DateTimeOffset.FromUnixTimeMilliseconds(m.StartedAt));
            w.WriteString("heartbeat", DateTimeOffset.FromUnixTimeMilliseconds(m.Heartbeat));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (settings.UpstreamAuthMode != "managed") w.WriteNull("token");
        else
        {
            w.WriteStartObject("token");
            w.WriteString("mode", "managed");
            if (status.Cluster.TokenLeaseHolder is null) w.WriteNull("lease_holder"); else w.WriteString("lease_holder", status.Cluster.TokenLeaseHolder);
            w.WriteNumber("fencing", status.Cluster.TokenLeaseFencing);
            w.WriteString("local_state", status.TokenManager?.ToString() ?? "none");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        await w.FlushAsync();
    }

    private static async Task WriteStatus(HttpContext context, int status, string text)
    {
        // A probe that finds the node stopping is answered, not failed: it reports the shutdown.
        context.Report().End(status == 200 ? StreamExit.Completed : StreamExit.ShuttingDown);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync($"{{\"status\":\"{text}\"}}");
    }
}
