using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A real broker on Kestrel loopback (port 0) in front of a real simulator, configured only through
/// Node adapter setting names, as a deployment would. Exposes every request.completed event.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    public const string InboundToken = "inbound-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RequestCompleted>> _completed = new();
    private readonly bool _ownsSimulator;
    private int _disposed;

    private BrokerHost(WebApplication app, SimulatorServer simulator, bool ownsSimulator, Uri baseUrl)
    {
        _app = app;
        _ownsSimulator = ownsSimulator;
        Simulator = simulator;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InboundToken);
        app.Services.GetRequiredService<RequestReporter>().Completed += e => Slot(e.RequestId).TrySetResult(e);
    }

    public SimulatorServer Simulator { get; }
    public UpstreamSimulatorFacade Upstream => new(Simulator.Simulator);
    public Uri BaseUrl { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a broker. A <paramref name="simulator"/> passed in is shared (several brokers, one upstream) and stays
    /// running when this broker is disposed; otherwise the broker starts and owns its own. <paramref name="logs"/>
    /// receives every log event the broker writes (the host replaces the builder's providers, so it is added after build).
    /// <paramref name="time"/> replaces the broker's clock (sessions, their journal, request timing) so a test drives it.
    /// </summary>
    public static async Task<BrokerHost> StartAsync(IDictionary<string, string?>? overrides = null, SimulatorServer? simulator = null,
        Microsoft.Extensions.Logging.ILoggerProvider? logs = null, TimeProvider? time = null)
    {
        var owns = simulator is null;
        simulator ??= await SimulatorServer.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["INBOUND_AUTH_MODE"] = "bearer",
            ["INBOUND_BEARER_TOKEN"] = InboundToken,
            ["LOG_LEVEL"] = "warning",
            // Many brokers share a test process: one's idle trim (an aggressive GC) would pause all of them.
            ["MEMORY_TRIM_IDLE_MS"] = "0",
            ["SHUTDOWN_DRAIN_MS"] = "0",
            ["ADMIN_PORT"] = "0", // never the fixed default 9110 in tests; admin tests pass a free port
            // Each broker is its own one-node Akka cluster on a free loopback port.
            ["CLUSTER_PORT"] = "0",
        };
        if (overrides is not null)
            foreach (var (k, v) in overrides) config[k] = v;
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b =>
            {
                b.Configuration.AddInMemoryCollection(config);
                if (time is not null) b.Services.AddSingleton(time);
            }, errors)
            ?? throw new InvalidOperationException("broker did not build: " + errors);
        if (logs is not null) app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(logs);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A broker that could not start (a port taken meanwhile) leaves no actor system or simulator behind: the
            // services that did start (the actor system) are stopped, not only disposed.
            await app.StopAsync();
            await app.DisposeAsync();
            if (owns) await simulator.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BrokerHost(app, simulator, owns, new Uri(address.Replace("[::]", "127.0.0.1").TrimEnd('/') + "/"));
    }

    /// <summary>The request.completed event of a request, awaited (never polled).</summary>
    public Task<RequestCompleted> CompletedAsync(string requestId)
        => Slot(requestId).Task.WaitAsync(TimeSpan.FromSeconds(15));

    private TaskCompletionSource<RequestCompleted> Slot(string id)
        => _completed.GetOrAdd(id, static _ => new TaskCompletionSource<RequestCompleted>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsSimulator) await Simulator.DisposeAsync();
    }
}

/// <summary>Shortcuts to the simulator behind the broker.</summary>
public readonly struct UpstreamSimulatorFacade(UpstreamSimulator simulator)
{
    public void Enqueue(SimScript script) => simulator.Enqueue(script);
    public Task<SimulatedExchange> NextExchangeAsync() => simulator.NextExchangeAsync(TimeSpan.FromSeconds(10));
    public int ChatRequestCount => simulator.ChatRequests.Count;
}
