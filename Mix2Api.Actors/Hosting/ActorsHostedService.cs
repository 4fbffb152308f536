using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// Runs after the actor system started (registered after <c>AddAkka</c>): waits, bounded, until a session entity
/// answers through the shard region (cluster up, coordinator known), so the first turns find their sessions; then
/// the background parts that live outside Akka (the Redis connection the trace store uses).
/// Start-up never blocks on Redis. (The token manager is a cluster singleton on the actor system: it hands over
/// by itself when this node leaves.)
/// </summary>
internal sealed class ActorsHostedService(IServiceProvider services, ActorsOptions options, ILogger<ActorsHostedService> log)
    : IHostedService, IAsyncDisposable
{
    /// <summary>How long start-up waits for the session region (a node whose seeds are all down serves without sessions after it).</summary>
    public static readonly TimeSpan ReadinessWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForSessionRegionAsync(cancellationToken).ConfigureAwait(false);
        services.GetService<RedisConnection>()?.Start();
    }

    private async Task WaitForSessionRegionAsync(CancellationToken cancellationToken)
    {
        var region = services.GetRequiredService<SessionRegion>();
        var system = services.GetRequiredService<ActorSystem>();
        WarmUpRemoteSerialization(system);
        // Real time, whatever clock the host was given: the cluster forms on Akka's own timers, and a pause on a test's
        // manual clock never ended (a node whose first probe came too early never started).
        if (await ProbeLoop.UntilAsync(ct => region.ProbeAsync(TimeSpan.FromSeconds(2), ct), ReadinessWait, ProbeLoop.Pause, TimeProvider.System, cancellationToken)
                .ConfigureAwait(false))
        {
            log.ClusterNodeUp(Akka.Cluster.Cluster.Get(system).SelfAddress.ToString(), options.Cluster.Channel);
            return;
        }
        log.ClusterNotReady((int)ReadinessWait.TotalSeconds, options.Cluster.SeedNodes.Count == 0 ? "none" : string.Join(",", options.Cluster.SeedNodes));
    }

    /// <summary>
    /// Runs the protocol serializer once each way, so the first turn that crosses to another node does not pay
    /// its start-up (type lookups, code generation) inside the 300 ms session ask.
    /// </summary>
    private static void WarmUpRemoteSerialization(ActorSystem system)
    {
        object[] samples =
        [
            new BeginTurn("warm-up", null, null, 1, 0, new byte[HistoryHash.Size]),
            new TurnPlan(TurnKind.New, null, null, true, 0, false),
            new EndTurn("warm-up", new TurnCompleted("s", "e", "h", 1, 1)),
            new TurnRecorded(true),
        ];
        foreach (var sample in samples)
        {
            var serializer = system.Serialization.FindSerializerFor(sample);
            serializer.FromBinary(serializer.ToBinary(sample), sample.GetType());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        // The container disposes the Redis connection and the stores it created.
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
