using System.Text.Json;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Endpoints;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Host.Operations;
using Mix2Api.Host.Traces;

namespace Mix2Api.Host.Admin;

/// <summary>
/// The admin API (ADMIN_HOST:ADMIN_PORT), the only thing the admin listener answers: what `ctl` reads and does.
/// Routes are dispatched here by hand, apart from the chat pipeline, so no chat route is reachable on this port.
/// Errors use the OpenAI envelope; every id is a fingerprint.
/// </summary>
public sealed class AdminApi(
    AdminAuth auth,
    Mix2ApiSettings settings,
    AdminAddress address,
    IClusterView cluster,
    IShardView shards,
    ISessionView sessions,
    ITokenView token,
    LiveStreams streams,
    RequestOutcomes outcomes,
    TraceRecorder traces,
    NodeMetrics metrics)
{
    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!auth.IsAllowed(context.Request))
        {
            await ErrorResponses.WriteAsync(context, 401, ErrorResponses.Unauthorized("authorization", "admin token missing or wrong"));
            return;
        }
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var get = HttpMethods.IsGet(context.Request.Method);
        var post = HttpMethods.IsPost(context.Request.Method);
        var ct = context.RequestAborted;
        switch (path)
        {
            case "/metrics" when get:
                await metrics.WriteAsync(context);
                return;
            case "/admin/node" when get:
                await Json(context, new NodeInfo(settings.NodeId, settings.NodeChannel, HealthEndpoints.Version, address.Url));
                return;
            case "/admin/cluster" when get:
                await Json(context, new ClusterView(await cluster.MembersAsync(ct)));
                return;
            case "/admin/cluster/leave" when post:
                if (await ReadAddressAsync(context) is not { } target)
                {
                    await ErrorResponses.WriteAsync(context, 400, ErrorResponses.InvalidRequest("invalid_request", "address", "body must be {\"address\":\"…\"}"));
                    return;
                }
                await Action(context, await cluster.LeaveAsync(target, ct));
                return;
            case "/admin/cluster/down-unreachable" when post:
                await Action(context, await cluster.DownUnreachableAsync(ct));
                return;
            case "/admin/shards" when get:
                await Json(context, await shards.StatsAsync(ct));
                return;
            case "/admin/sessions" when get:
                await Json(context, new SessionsView(await sessions.ListAsync(ct)));
                return;
            case "/admin/token" when get:
                await Json(context, await token.ShowAsync(ct));
                return;
            case "/admin/token/refresh" when post:
                if (await token.RefreshAsync(ct) is { } refreshed) await Json(context, refreshed);
                else await ErrorResponses.WriteAsync(context, 409, new Streams.Output.ErrorBody(
                    $"UPSTREAM_AUTH_MODE={settings.UpstreamAuthMode}: only managed mode has a token to refresh", "invalid_request_error", "not_managed", null));
                return;
            case "/admin/streams" when get:
                await Json(context, new StreamsView(streams.Snapshot()
                    .Select(s => new StreamInfo(s.RequestId, s.Client, s.Model, Math.Round(streams.AgeOf(s).TotalSeconds, 1), s.Chunks,
                        s.Phase.ToString().ToLowerInvariant(), settings.NodeId))
                    .OrderBy(s => s.AgeSeconds).ToList()));
                return;
            case "/admin/verdict" when get:
                await Json(context, outcomes.Verdict());
                return;
            case "/admin/slo" when get:
                await Json(context, outcomes.Slo());
                return;
            case "/admin/traces" when get:
                var limit = int.TryParse(context.Request.Query["limit"], out var l) && l is > 0 and <= 1000 ? l : 50;
                await Json(context, new TracesView(await traces.Store.ListAsync(limit, ct)));
                return;
        }
        if (get && path.StartsWith("/admin/sessions/", StringComparison.Ordinal))
        {
            var fp = path["/admin/sessions/".Length..];
            var found = (await sessions.ListAsync(ct)).Where(s => s.KeyFp == fp || s.UpstreamSessionFp == fp).ToList();
            if (found.Count == 0) await NotFound(context, $"no live session with fingerprint {fp} on this node");
            else await Json(context, new SessionsView(found));
            return;
        }
        if (get && path.StartsWith("/admin/traces/", StringComparison.Ordinal))
        {
            var id = path["/admin/traces/".Length..];
            if (await traces.Store.FindAsync(id, ct) is { } trace) await Json(context, trace);
            else await NotFound(context, $"no trace {id} (never sampled, or expired)");
            return;
        }
        await NotFound(context, $"no admin route {context.Request.Method} {path}");
    }

    private static async Task<string?> ReadAddressAsync(HttpContext context)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("address", out var a)
                && a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 } s ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Action(HttpContext context, AdminActionResult result)
    {
        context.Response.StatusCode = result.Ok ? 200 : 409;
        return Json(context, result);
    }

    private static Task NotFound(HttpContext context, string message)
        => ErrorResponses.WriteAsync(context, 404, new Streams.Output.ErrorBody(message, "invalid_request_error", "not_found", null));

    private static async Task Json<T>(HttpContext context, T value)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, AdminJson.Options, context.RequestAborted);
    }
}
