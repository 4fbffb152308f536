using System.Text.Json;
using Mix2Api.Actors.Hosting;
using Mix2Api.Actors.Singleton;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>/health</c> (the Node adapter's shape, extended with node, channel, token, the journal and the Akka
/// cluster: SPEC §7.3), <c>/health/live</c> and <c>/health/ready</c>. A degraded store still serves (turns go
/// on without sessions), so it is reported as <c>degraded</c> with 200, never turned into a 503 that would
/// take the node out.
/// </summary>
public sealed class HealthEndpoints(Mix2ApiSettings settings, UpstreamTarget target, ShutdownCoordinator shutdown,
    Operations.LiveStreams streams, ActorsStatus actors)
{
    public static readonly string Version = typeof(HealthEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Task LiveAsync(HttpContext context) => WriteStatus(context, 200, "ok");

    public Task ReadyAsync(HttpContext context)
        => shutdown.Stopping ? WriteStatus(context, 503, "stopping")
            : !actors.Cluster.SelfUp ? WriteStatus(context, 503, "joining")
            : WriteStatus(context, 200, actors.Journal.Degraded ? "degraded" : "ready");

    public async Task HealthAsync(HttpContext context)
    {
        var status = actors.Get();
        var activeSessions = await actors.ActiveSessionsAsync(context.RequestAborted);
        var store = status.Journal;
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
        w.WriteNumber("active_streams", streams.Count);
        w.WriteNumber("active_sessions", activeSessions);
        w.WriteStartObject("session_store");
        w.WriteString("mode", store.Mode);
        w.WriteBoolean("degraded", store.Degraded);
        w.WriteBoolean("connected", store.Connected);
        if (store.Reason is null) w.WriteNull("reason"); else w.WriteString("reason", store.Reason);
        w.WriteEndObject();
        w.WriteStartObject("journal");
        w.WriteString("plugin", actors.JournalPlugin);
        w.WriteString("status", store.Degraded ? "degraded" : "ok");
        if (store.LastError is null) w.WriteNull("last_error"); else w.WriteString("last_error", store.LastError);
        w.WriteNumber("sequence_conflicts", actors.JournalSequenceConflicts);
        w.WriteEndObject();
        var cluster = status.Cluster;
        w.WriteString("self", cluster.Self);
        w.WriteStartArray("members");
        foreach (var m in cluster.Members)
        {
            w.WriteStartObject();
            w.WriteString("address", m.Address);
            w.WriteStartArray("roles");
            foreach (var role in m.Roles) w.WriteStringValue(role);
            w.WriteEndArray();
            if (m.Channel is null) w.WriteNull("channel"); else w.WriteString("channel", m.Channel);
            w.WriteString("status", m.Status);
            w.WriteBoolean("reachable", m.Reachable);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        // The node hosting the token singleton (managed auth; none otherwise, unknown when it did not answer within a second).
        TokenStatus? tokenStatus = null;
        if (settings.UpstreamAuthMode == "managed")
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            tokenStatus = await actors.TokenStatusAsync(timeout.Token);
        }
        w.WriteString("singleton_node", settings.UpstreamAuthMode != "managed" ? "none" : tokenStatus?.SingletonNode ?? "unknown");
        if (settings.UpstreamAuthMode != "managed") w.WriteNull("token");
        else
        {
            w.WriteStartObject("token");
            w.WriteString("mode", "managed");
            // Fingerprints only: the token itself never leaves memory, the replica and the upstream request.
            var singleton = tokenStatus;
            if (singleton is null) w.WriteNull("singleton_node"); else w.WriteString("singleton_node", singleton.SingletonNode);
            WriteNullable(w, "fingerprint", singleton?.Fingerprint);
            w.WriteNumber("generation", singleton?.Generation ?? status.LocalToken?.Generation ?? 0);
            WriteNullable(w, "expires_at", singleton?.ExpiresAt);
            WriteNullable(w, "last_refresh", singleton?.LastRefresh);
            WriteNullable(w, "last_error", singleton?.LastError);
            WriteNullable(w, "backoff_until", singleton?.BackoffUntil);
            WriteNullable(w, "local_fingerprint", status.LocalToken?.Fingerprint);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        await w.FlushAsync();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } at) w.WriteString(name, at); else w.WriteNull(name);
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
