using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A cluster node the way a host wires managed auth: a generic host with <see cref="TokenManagerHosting.AddManagedCredentials"/>
/// and an Akka.Hosting actor system (loopback, free port) with <see cref="TokenManagerHosting.WithTokenManager"/>. It joins
/// <c>seed</c>, or itself when none. The failure detector is quick (unreachable within seconds); downing is
/// left to the test.
/// The token protocol crosses nodes with Hyperion, the serializer the node uses for Mix2Api's own types.
/// <see cref="ActorSystem.Terminate"/> does not leave the cluster here, so <see cref="CrashAsync"/> looks like a crash.
/// </summary>
public sealed class TokenNode : IAsyncDisposable
{
    private const string Hocon = """
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.cluster.downing-provider-class = ""
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.remote.retry-gate-closed-for = 1s
        akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        akka.actor.serialization-bindings {
          "Mix2Api.Actors.Singleton.ITokenManagerMessage, Mix2Api.Actors" = hyperion
        }
        """;

    private readonly IHost _host;
    private bool _stopped;

    private TokenNode(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    public ManagedCredentialProvider Credentials => _host.Services.GetRequiredService<ManagedCredentialProvider>();

    public static async Task<TokenNode> StartAsync(TokenOptions options, Address? seed = null, ILoggerProvider? logs = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddManagedCredentials(options);
        builder.Services.AddAkka("mix2api", akka => akka
            .AddHocon(Hocon, HoconAddMode.Prepend)
            .ConfigureLoggers(l => l.AddLoggerFactory())
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering()
            .AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(seed ?? cluster.SelfAddress);
            })
            .WithTokenManager(options));
        var host = builder.Build();
        await host.StartAsync();
        return new TokenNode(host);
    }

    /// <summary>Graceful stop: leave the cluster (the singleton hands over), then stop the host.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A crash as the others see it: the actor system goes away without leaving the cluster.</summary>
    public async Task CrashAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        await _host.StopAsync(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
