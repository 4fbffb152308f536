namespace Mix2Api.Host.Hosting;

/// <summary>MAX_CONCURRENT_REQUESTS: above the limit a request is refused at once (503) rather than slowing everyone.</summary>
public sealed class AdmissionControl(Mix2ApiSettings settings)
{
    private int _inFlight;
    private long _admitted;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests admitted since start: tells a quiet node from a busy one between two looks.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);

    public bool TryEnter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (settings.MaxConcurrentRequests <= 0 || now <= settings.MaxConcurrentRequests)
        {
            Interlocked.Increment(ref _admitted);
            return true;
        }
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
