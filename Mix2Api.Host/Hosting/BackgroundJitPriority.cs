using System.Runtime.InteropServices;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// JIT_BACKGROUND_SLICE_US and JIT_BACKGROUND_NICE: how the runtime's tiered-compilation worker (the thread that
/// recompiles hot methods fully optimized) shares a core with the threads that serve requests (Linux only).
/// </summary>
/// <remarks>
/// Why: on one core that worker competes with the requests for the CPU. It is busiest in a node's first seconds, and
/// still promotes a few hundred slowly-warming methods a minute in. Linux's scheduler (EEVDF) lets a running thread
/// finish its time slice (by default 0.7 ms times 1 + log2 of the cores: 1.4 ms on two, 2.8 ms from eight) before a
/// thread that wakes at the same priority gets the core, so a request that arrives while the worker compiles waited
/// for the rest of that slice: a fresh node's added time-to-first-byte p99 was 4.1 ms. With a 100 µs slice (the default, Linux 6.12+) the worker keeps its fair share
/// of the core, and so still finishes recompiling under full load, but hands the core over within 0.1 ms: 3.5 ms
/// (docs/BENCHMARKS.md, "A short time slice for the JIT worker"). A lower priority (a nice value) shortens that tail
/// further and starves the worker under load, which keeps hot code slow for longer. The runtime has no setting for
/// either, so the host finds the thread by its name in <c>/proc/self/task</c> and sets them itself (<c>sched_setattr</c>,
/// or <c>setpriority</c> for a nice value alone; neither needs a privilege). The worker is started when tiering first
/// needs it and, by default, ends after 4 s without work: the published host keeps it
/// (<c>DOTNET_TC_BackgroundWorkerTimeoutMs</c>, <see cref="RuntimeSettings"/>), and this check runs until it is found
/// again after it ended.
/// </remarks>
public sealed class BackgroundJitPriority : IDisposable
{
    /// <summary>The worker's thread name as Linux keeps it (the first 15 bytes of ".NET Tiered Compilation Worker").</summary>
    public const string WorkerThreadName = ".NET Tiered Com";

    public const int DefaultSliceUs = 100;

    /// <summary>The kernel's bounds for a thread's own slice (it clamps anything outside them).</summary>
    public const int MinSliceUs = 100, MaxSliceUs = 100_000;

    private const string TaskDirectory = "/proc/self/task";
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly int _nice;
    private readonly int _sliceUs;
    private readonly string _threadName;
    private readonly ILogger _log;
    private readonly ITimer? _timer;
    // Threads already looked at and not the worker: each tick reads only the names of new threads.
    private HashSet<int> _others = [];
    private int _worker = -1;
    private int _ticking;

    public BackgroundJitPriority(Mix2ApiSettings settings, TimeProvider time, ILogger<BackgroundJitPriority> log)
        : this(settings.BackgroundJitNice, settings.BackgroundJitSliceUs, WorkerThreadName, time, log,
               enabled: OperatingSystem.IsLinux() && RuntimeSettings.TieredCompilationOn())
    {
    }

    /// <summary>The thread name is a parameter so a test can stand a thread of its own in for the runtime's worker.</summary>
    public BackgroundJitPriority(int nice, int sliceUs, string threadName, TimeProvider time, ILogger log, bool enabled = true)
    {
        _nice = enabled ? nice : 0;
        _sliceUs = enabled ? sliceUs : 0;
        _threadName = threadName;
        _log = log;
        if (!Active) return;
        _timer = time.CreateTimer(_ => Tick(), null, Period, Period);
    }

    private bool Active => _nice > 0 || _sliceUs > 0;

    /// <summary>The worker's thread id once its scheduling was set; -1 while it is not running (or not found yet).</summary>
    public int WorkerThreadId => Volatile.Read(ref _worker);

    /// <summary>One check: sets the worker's scheduling if it is running and not set yet. Returns whether it did.</summary>
    public bool Tick()
    {
        // Timer callbacks may overlap when one tick is slow; the second has nothing to add.
        if (!Active || Interlocked.Exchange(ref _ticking, 1) == 1) return false;
        try
        {
            if (_worker > 0 && Directory.Exists($"{TaskDirectory}/{_worker}")) return false;
            Volatile.Write(ref _worker, -1);
            return FindAndSet();
        }
        catch (IOException)
        {
            return false; // a thread ended while we read it
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private bool FindAndSet()
    {
        var seen = new HashSet<int>(_others.Count + 4);
        var found = false;
        foreach (var path in Directory.EnumerateDirectories(TaskDirectory))
        {
            if (!int.TryParse(Path.GetFileName(path.AsSpan()), out var tid)) continue;
            if (_others.Contains(tid))
            {
                seen.Add(tid);
                continue;
            }
            if (!File.Exists($"{path}/comm")) continue;
            var name = File.ReadAllText($"{path}/comm").TrimEnd('\n');
            if (name != _threadName || !Set(tid))
            {
                seen.Add(tid); // not the worker, or it cannot be set: not asked again, it would fail again
                continue;
            }
            Volatile.Write(ref _worker, tid);
            found = true;
        }
        _others = seen;
        return found;
    }

    private bool Set(int tid)
    {
        if (_sliceUs > 0)
        {
            // The nice value it runs at is the one it had, unless JIT_BACKGROUND_NICE asked for another.
            if (ThreadScheduling.TrySet(tid, _nice, _sliceUs, out var nice, out var errno))
            {
                if (ThreadScheduling.SliceOf(tid) == (long)_sliceUs * 1000)
                {
                    _log.LogInformation("jit.worker.priority: tiered compilation worker (thread {ThreadId}) runs at nice {Nice} with a {SliceUs} µs slice", tid, nice, _sliceUs);
                }
                else
                {
                    _log.LogInformation("jit.worker.priority: tiered compilation worker (thread {ThreadId}) runs at nice {Nice}; this kernel has no per-thread slices (Linux 6.12+), so it keeps the default slice", tid, nice);
                }
                return true;
            }
            _log.LogWarning("jit.worker.priority: no {SliceUs} µs slice for the tiered compilation worker (thread {ThreadId}): sched_setattr failed with errno {Errno}", _sliceUs, tid, errno);
            if (_nice <= 0) return false;
        }
        if (ThreadScheduling.SetPriority(ThreadScheduling.PrioProcess, tid, _nice) != 0)
        {
            _log.LogWarning("jit.worker.priority not lowered (thread {ThreadId}): setpriority failed with errno {Errno}", tid, Marshal.GetLastPInvokeError());
            return false;
        }
        _log.LogInformation("jit.worker.priority: tiered compilation worker (thread {ThreadId}) runs at nice {Nice}", tid, _nice);
        return true;
    }

    public void Dispose() => _timer?.Dispose();
}
