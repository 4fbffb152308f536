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

    private BrokerHost(WebApplication app, SimulatorServer simulator, Uri baseUrl)
    {
        _app = app;
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

    public static async Task<BrokerHost> StartAsync(IDictionary<string, string?>? overrides = null, SimulatorServer? simulator = null)
    {
        simulator ??= await SimulatorServer.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["INBOUND_AUTH_MODE"] = "bearer",
            ["INBOUND_BEARER_TOKEN"] = InboundToken,
            ["LOG_LEVEL"] = "warning",
            ["SHUTDOWN_DRAIN_MS"] = "0",
        };
        if (overrides is not null)
            foreach (var (k, v) in overrides) config[k] = v;
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b => b.Configuration.AddInMemoryCollection(config), errors)
            ?? throw new InvalidOperationException("broker did not build: " + errors);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BrokerHost(app, simulator, new Uri(address.Replace("[::]", "127.0.0.1").TrimEnd('/') + "/"));
    }

    /// <summary>The request.completed event of a request, awaited (never polled).</summary>
    public Task<RequestCompleted> CompletedAsync(string requestId)
        => Slot(requestId).Task.WaitAsync(TimeSpan.FromSeconds(15));

    private TaskCompletionSource<RequestCompleted> Slot(string id)
        => _completed.GetOrAdd(id, static _ => new TaskCompletionSource<RequestCompleted>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Shortcuts to the simulator behind the broker.</summary>
public readonly struct UpstreamSimulatorFacade(UpstreamSimulator simulator)
{
    public void Enqueue(SimScript script) => simulator.Enqueue(script);
    public Task<SimulatedExchange> NextExchangeAsync() => simulator.NextExchangeAsync(TimeSpan.FromSeconds(10));
    public int ChatRequestCount => simulator.ChatRequests.Count;
}
