using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// An <see cref="UpstreamSimulator"/> on its own Kestrel server (loopback, port 0 by default), for tests,
/// the benchmark and the host's embedded Development default. Dispose to stop it.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private SimulatorServer(WebApplication app, UpstreamSimulator simulator, Uri baseUrl)
    {
        _app = app;
        Simulator = simulator;
        BaseUrl = baseUrl;
    }

    /// <summary>Root of the site, e.g. <c>http://127.0.0.1:41234/</c>; the broker's <c>UPSTREAM_API_BASE</c>.</summary>
    public Uri BaseUrl { get; }

    public UpstreamSimulator Simulator { get; }

    /// <summary><see cref="BaseUrl"/> + chat path.</summary>
    public Uri ChatUrl => new(BaseUrl, Simulator.Options.ChatPath.TrimStart('/'));

    /// <summary><see cref="BaseUrl"/> + token path.</summary>
    public Uri TokenUrl => new(BaseUrl, Simulator.Options.TokenPath.TrimStart('/'));

    public static async Task<SimulatorServer> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SimulatorOptions();
        var simulator = new UpstreamSimulator(options);
        // The empty builder reads no appsettings or ASPNETCORE_* variables: the simulator must not pick up the host's config.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Benchmark: 10,000 concurrent streams; no connection cap, no response-rate policing of slow readers.
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(options.ListenAddress, options.Port);
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapUpstreamSimulator(simulator);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorServer(app, simulator, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Simulator.Stop();
        using var timeout = new CancellationTokenSource(Simulator.Options.ShutdownTimeout);
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
