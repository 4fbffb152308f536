using System.Diagnostics;
using Mix2Api.Host.Diagnostics;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// MEMORY_TRIM_IDLE_MS: once no chat request has been admitted or in flight for that long after some traffic, one
/// aggressive full GC gives the heap's unused memory back to the operating system.
/// </summary>
/// <remarks>
/// Why: the .NET GC sizes its gen-0 budget from the L3 cache and keeps that much memory committed after every
/// collection. On hosts that report a large L3 (260 MiB on our 2-core VM) a broker with a 15 MiB heap stayed at
/// 350 MiB resident after a burst, forever. The budget itself can only be set from the environment
/// (<c>DOTNET_GCgen0size</c>, which the Docker image sets); this is the part the process can do for itself.
/// It costs one blocking GC per quiet period, only when the GC holds at least <see cref="MinSurplusBytes"/> more
/// than the heap needs.
/// </remarks>
public sealed class IdleMemoryTrim : IDisposable
{
    public const long MinSurplusBytes = 32L << 20;

    private readonly AdmissionControl _admission;
    private readonly TimeSpan _idle;
    private readonly TimeProvider _time;
    private readonly ILogger<IdleMemoryTrim> _log;
    private readonly Func<MemoryFigures> _measure;
    private readonly Action _collect;
    private readonly ITimer? _timer;
    private long _lastAdmitted;
    private long _quietSince;
    private bool _armed;

    private readonly Prometheus.Counter? _counter;

    public IdleMemoryTrim(AdmissionControl admission, Mix2ApiSettings settings, TimeProvider time, ILogger<IdleMemoryTrim> log, NodeMetrics metrics)
        : this(admission, settings.MemoryTrimIdle, time, log, MemoryFigures.Now,
               () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
        _counter = metrics.Factory.CreateCounter("mix2api_memory_trims_total", "Idle memory trims (MEMORY_TRIM_IDLE_MS): aggressive GCs that returned unused heap memory to the OS.");
    }

    /// <summary>The measure and the collection are parameters so the decision can be tested on its own.</summary>
    public IdleMemoryTrim(AdmissionControl admission, TimeSpan idle, TimeProvider time, ILogger<IdleMemoryTrim> log,
        Func<MemoryFigures> measure, Action collect)
    {
        _admission = admission;
        _idle = idle;
        _time = time;
        _log = log;
        _measure = measure;
        _collect = collect;
        _quietSince = time.GetTimestamp();
        if (idle <= TimeSpan.Zero) return;
        // Check a few times per idle period: the trim comes between 1 and 1.25 idle periods after the last request.
        var period = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        _timer = time.CreateTimer(_ => Tick(), null, period, period);
    }

    /// <summary>Trims done since start.</summary>
    public long Trims { get; private set; }

    /// <summary>One check; returns whether it trimmed. Called by the timer, one call at a time.</summary>
    public bool Tick()
    {
        var now = _time.GetTimestamp();
        var admitted = _admission.Admitted;
        if (admitted != _lastAdmitted || _admission.InFlight > 0)
        {
            _lastAdmitted = admitted;
            _quietSince = now;
            _armed = true;
            return false;
        }
        if (!_armed || _time.GetElapsedTime(_quietSince, now) < _idle) return false;
        _armed = false;

        var before = _measure();
        if (before.SurplusBytes < MinSurplusBytes) return false;
        var clock = Stopwatch.StartNew();
        _collect();
        var after = _measure();
        _log.LogInformation("memory.trimmed: GC committed {CommittedBeforeMiB} → {CommittedAfterMiB} MiB, heap {HeapMiB} MiB, {PauseMs} ms",
            (before.HeapBytes + before.SurplusBytes) >> 20, after.CommittedBytes >> 20, after.HeapBytes >> 20, clock.ElapsedMilliseconds);
        Trims++;
        _counter?.Inc();
        return true;
    }

    public void Dispose() => _timer?.Dispose();
}

/// <summary>
/// What the GC has committed and what its heap used, both as of the last collection, and the bytes in use now
/// (allocations since that collection included: they sit in memory committed since).
/// </summary>
public readonly record struct MemoryFigures(long CommittedBytes, long HeapBytes, long InUseBytes)
{
    /// <summary>Memory the GC holds beyond what the heap needs: after the last collection, plus what gen 0 took since.</summary>
    public long SurplusBytes => CommittedBytes - HeapBytes + Math.Max(0, InUseBytes - HeapBytes);

    public static MemoryFigures Now()
    {
        var info = GC.GetGCMemoryInfo();
        return new MemoryFigures(info.TotalCommittedBytes, info.HeapSizeBytes, GC.GetTotalMemory(forceFullCollection: false));
    }
}
