namespace Mix2Api.Host.Hosting;

/// <summary>
/// Graceful shutdown: when the host starts stopping, running streams get SHUTDOWN_DRAIN_MS to finish;
/// then <see cref="Token"/> fires and the rest end with the error event (end_reason=shutdown).
/// </summary>
public sealed class ShutdownCoordinator : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationTokenRegistration _registration;

    public ShutdownCoordinator(IHostApplicationLifetime lifetime, Mix2ApiSettings settings, TimeProvider time)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            Stopping = true;
            if (settings.ShutdownDrain <= TimeSpan.Zero) _cts.Cancel();
            else time.CreateTimer(_ => _cts.Cancel(), null, settings.ShutdownDrain, Timeout.InfiniteTimeSpan);
        });
    }

    public bool Stopping { get; private set; }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _cts.Dispose();
    }
}
