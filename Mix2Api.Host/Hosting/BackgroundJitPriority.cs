using System.Runtime.InteropServices;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// JIT_BACKGROUND_NICE: gives the runtime's tiered-compilation worker (the thread that recompiles hot methods fully
/// optimized) a lower scheduling priority than the threads that serve requests (Linux only).
/// </summary>
/// <remarks>
/// Why: on one core that worker competes with the requests for the CPU. It is busiest in a node's first seconds, and
/// still promotes a few hundred slowly-warming methods a minute in; each compile that runs at equal priority can hold a
/// request for a millisecond or more, which showed as the added time-to-first-byte p99 of a fresh node (4.0–5.8 ms
/// against 2.9–3.1 ms with the worker at nice 19, docs/BENCHMARKS.md). At a lower priority it compiles in the gaps between
/// requests, and a request woken meanwhile preempts it. The runtime has no setting for it, so the host finds the
/// thread by its name in <c>/proc/self/task</c> and lowers its priority itself (<c>setpriority</c>; raising a nice
/// value needs no privilege). The worker is started when tiering first needs it and, by default, ends after 4 s
/// without work: the published host keeps it (<c>DOTNET_TC_BackgroundWorkerTimeoutMs</c>, <see cref="RuntimeSettings"/>),
/// and this check runs until it is found again after it ended.
/// </remarks>
public sealed class BackgroundJitPriority : IDisposable
{
    /// <summary>The worker's thread name as Linux keeps it (the first 15 bytes of ".NET Tiered Compilation Worker").</summary>
    public const string WorkerThreadName = ".NET Tiered Com";

    private const string TaskDirectory = "/proc/self/task";
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly int _nice;
    private readonly string _threadName;
    private readonly ILogger _log;
    private readonly ITimer? _timer;
    // Threads already looked at and not the worker: each tick reads only the names of new threads.
    private HashSet<int> _others = [];
    private int _worker = -1;
    private int _ticking;

    public BackgroundJitPriority(Mix2ApiSettings settings, TimeProvider time, ILogger<BackgroundJitPriority> log)
        : this(settings.BackgroundJitNice, WorkerThreadName, time, log,
               enabled: OperatingSystem.IsLinux() && RuntimeSettings.TieredCompilationOn())
    {
    }

    /// <summary>The thread name is a parameter so a test can stand a thread of its own in for the runtime's worker.</summary>
    public BackgroundJitPriority(int nice, string threadName, TimeProvider time, ILogger log, bool enabled = true)
    {
        _nice = enabled ? nice : 0;
        _threadName = threadName;
        _log = log;
        if (_nice <= 0) return;
        _timer = time.CreateTimer(_ => Tick(), null, Period, Period);
    }

    /// <summary>The worker's thread id once its priority was lowered; -1 while it is not running (or not found yet).</summary>
    public int WorkerThreadId => Volatile.Read(ref _worker);

    /// <summary>One check: lowers the worker's priority if it is running and not lowered yet. Returns whether it did.</summary>
    public bool Tick()
    {
        // Timer callbacks may overlap when one tick is slow; the second has nothing to add.
        if (_nice <= 0 || Interlocked.Exchange(ref _ticking, 1) == 1) return false;
        try
        {
            if (_worker > 0 && Directory.Exists($"{TaskDirectory}/{_worker}")) return false;
            Volatile.Write(ref _worker, -1);
            return FindAndLower();
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

    private bool FindAndLower()
    {
        var seen = new HashSet<int>(_others.Count + 4);
        var lowered = false;
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
            if (name != _threadName)
            {
                seen.Add(tid);
                continue;
            }
            if (SetPriority(PrioProcess, tid, _nice) != 0)
            {
                _log.LogWarning("jit.worker.priority not lowered (thread {ThreadId}): setpriority failed with errno {Errno}", tid, Marshal.GetLastPInvokeError());
                seen.Add(tid); // not asked again: it would fail again
                continue;
            }
            Volatile.Write(ref _worker, tid);
            _log.LogInformation("jit.worker.priority: tiered compilation worker (thread {ThreadId}) runs at nice {Nice}", tid, _nice);
            lowered = true;
        }
        _others = seen;
        return lowered;
    }

    private const int PrioProcess = 0;

    // On Linux, PRIO_PROCESS with a thread id sets that one thread's nice value.
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int prio);

    public void Dispose() => _timer?.Dispose();
}
