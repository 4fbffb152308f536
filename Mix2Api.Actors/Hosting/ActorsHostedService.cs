using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mix2Api.Actors.Membership;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// Starts the background parts without ever blocking start-up on Redis (the connection loop connects in the
/// background; until then the store is degraded and serves from memory): memory sweeping, the membership
/// heartbeat. On stop: leave the cluster, stop entities. (The token manager runs on the actor system: TokenManagerHosting.)
/// </summary>
internal sealed class ActorsHostedService(IServiceProvider services, ActorsOptions options, TimeProvider time) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _sweep;
    private Task? _heartbeat;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetService<RedisConnection>()?.Start();
        var memory = services.GetRequiredService<MemoryKeyValueStore>();
        _sweep = time.CreateTimer(_ => memory.Sweep(), null, options.Store.MemorySweepInterval, options.Store.MemorySweepInterval);
        var membership = services.GetRequiredService<ClusterMembership>();
        _heartbeat = Task.Run(() => HeartbeatLoopAsync(membership, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is not null) await _heartbeat.ConfigureAwait(false);
        await services.GetRequiredService<ClusterMembership>().LeaveAsync(cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<SessionRegion>().DisposeAsync().ConfigureAwait(false);
    }

    private async Task HeartbeatLoopAsync(ClusterMembership membership, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await membership.HeartbeatAsync(stop).ConfigureAwait(false);
                await Task.Delay(options.Membership.HeartbeatInterval, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        // The container disposes the Redis connection and the stores it created.
        _sweep?.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
