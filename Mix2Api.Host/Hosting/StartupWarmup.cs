using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Mix2Api.Host.Simulator;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// STARTUP_WARMUP_REQUESTS: a starting node sends itself chat requests (stream and not, with and without tools) over a
/// loopback listener of its own, through Kestrel, the endpoint, the request graph and the upstream client, answered by
/// a private simulator; the public listeners hold every request until that is done (STARTUP_WARMUP_MAX_MS at most).
/// </summary>
/// <remarks>
/// Why: on one core a fresh node's first ~500 requests ran at 2-3 ms added time to first byte, ten times the steady
/// figure: first calls into code ReadyToRun does not cover, then the tiered JIT recompiling the hot path while requests
/// wait behind it (docs/BENCHMARKS.md, "Warm before the first caller"). A caller that arrives meanwhile waits once
/// instead. Warm-up requests reach no upstream (the route sends no credential) and leave no <c>request.completed</c>
/// line, metric, trace or verdict sample; they share one session of the node's own (<see cref="WarmupRequest"/>):
/// without the session path warmed, half the slow first requests stayed. One <c>startup.warmup</c> line says what ran.
/// </remarks>
public sealed class StartupWarmup(Mix2ApiSettings settings)
{
    private const string ConnectionMarker = "mix2api.warmup";

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ListenOptions? _listen;
    private WarmupRequest? _request;

    /// <summary>Completes when the warm-up is over (or was never asked for): from then on nothing is held.</summary>
    public Task Done => _done.Task;

    /// <summary>The loopback listener warm-up requests come in on; a connection after the warm-up is refused.</summary>
    internal void Bind(ListenOptions listen)
    {
        _listen = listen;
        listen.Use(next => connection =>
        {
            if (_done.Task.IsCompleted || _request is null)
            {
                connection.Abort();
                return Task.CompletedTask;
            }
            connection.Items[ConnectionMarker] = _request;
            return next(connection);
        });
    }

    /// <summary>What sets a warm-up request apart; null for every other request.</summary>
    public static WarmupRequest? Of(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ConnectionMarker, out var request) == true ? request as WarmupRequest : null;

    public static bool IsWarmup(HttpContext context) => Of(context) is not null;

    /// <summary>Middleware: a caller's request waits for the warm-up; the warm-up's own requests pass.</summary>
    public Task HoldAsync(HttpContext context, RequestDelegate next)
        => _done.Task.IsCompleted || IsWarmup(context) ? next(context) : WaitThenAsync(context, next);

    private async Task WaitThenAsync(HttpContext context, RequestDelegate next)
    {
        await _done.Task.WaitAsync(context.RequestAborted);
        await next(context);
    }

    /// <summary>Releases held requests without warming (a host built for tests, or STARTUP_WARMUP_REQUESTS=0).</summary>
    public void Skip() => _done.TrySetResult();

    /// <summary>
    /// Runs the warm-up once the listeners are bound, then releases the held requests; never throws. A failing
    /// request ends the warm-up early with a warning: the node serves either way.
    /// </summary>
    public async Task RunAsync(SimulatorServer? shared, ILogger log, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var sent = 0;
        string? failure = null;
        SimulatorServer? own = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            if (settings.WarmupRequests == 0 || _listen?.IPEndPoint is not { Port: > 0 } self) return;
            deadline.CancelAfter(settings.WarmupMax);
            var simulator = shared ?? (own = await SimulatorServer.StartAsync(new SimulatorOptions { ChatPath = settings.ChatPath }, deadline.Token));
            _request = new WarmupRequest(new UpstreamRoute(simulator.ChatUrl, IPAddress.Loopback, SendCredential: false),
                $"mix2api-warmup-{settings.NodeId}");
            using var client = new UpstreamClient(settings, TimeProvider.System);
            var url = new Uri($"http://127.0.0.1:{self.Port}/v1/chat/completions");
            var bearer = settings.InboundAuthRequired && settings.InboundKeys.Count > 0 ? settings.InboundKeys[0] : null;
            var shapes = Shapes(settings.Models[0]);
            var buffer = new byte[16 * 1024];
            for (; sent < settings.WarmupRequests && !deadline.IsCancellationRequested; sent++)
            {
                using var response = await client.SendAsync(url, shapes[sent % shapes.Length], $"warmup-{sent}", bearer, deadline.Token);
                if (response.Json is null)
                    while (await response.Body.ReadAsync(buffer, deadline.Token) > 0) { }
            }
        }
        catch (Exception ex)
        {
            // STARTUP_WARMUP_MAX_MS reached (whatever the cancellation surfaced as) is no failure: what ran is what the node gets.
            failure = stopping.IsCancellationRequested ? "the node is stopping"
                : deadline.IsCancellationRequested ? null
                : ex is UpstreamStatusException status ? $"status {status.Status}" : $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            _done.TrySetResult();
            if (own is not null) await own.DisposeAsync();
        }
        if (settings.WarmupRequests == 0) return;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        if (failure is null)
            log.LogInformation("startup.warmup requests={Requests} elapsed_ms={ElapsedMs} jit_methods={JitMethods}",
                sent, clock.ElapsedMilliseconds, jitMethods);
        else
            log.LogWarning("startup.warmup stopped after {Requests} requests in {ElapsedMs} ms: {Failure}; the node serves without the rest",
                sent, clock.ElapsedMilliseconds, failure);
    }

    /// <summary>The request shapes taken in turn: what a fresh node's callers send most.</summary>
    private static ReadOnlyMemory<byte>[] Shapes(string model)
    {
        const string tools = ""","tools":[{"type":"function","function":{"name":"read_file","description":"Read a file","parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}}]""";
        var name = JsonSerializer.Serialize(model);
        ReadOnlyMemory<byte> Body(bool stream, string prompt, string extra)
            => Encoding.UTF8.GetBytes($$"""{"model":{{name}},"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"warm-up {{prompt}}"}]{{extra}}}""");
        return
        [
            Body(stream: true, "[[sim:long chunks=20]]", ""),
            Body(stream: false, "[[sim:long chunks=20]]", ""),
            Body(stream: true, """[[sim:tool name=read_file args={\"path\":\"a.txt\"}]]""", tools),
            Body(stream: false, "[[sim:final]]", tools),
        ];
    }
}

/// <param name="Route">The private simulator, sent no credential.</param>
/// <param name="SessionKey">The node's own session (the session path warms too): <c>mix2api-warmup-NODE_ID</c>,
/// forgotten SESSION_TTL_MS after the warm-up like any other.</param>
public sealed record WarmupRequest(UpstreamRoute Route, string SessionKey);
