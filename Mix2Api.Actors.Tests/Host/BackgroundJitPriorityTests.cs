using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mix2Api.Host.Hosting;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// JIT_BACKGROUND_SLICE_US and JIT_BACKGROUND_NICE: the runtime's tiered-compilation worker is found by its thread
/// name and gets a short time slice, a lower priority, or both. A thread of the test's own, under a name of its own,
/// stands in for the worker (the runtime starts its worker when it likes); the real worker of a node process is
/// checked in <see cref="Cluster.RuntimeDefaultsProcessTests"/>.
/// Linux only, like the feature.
/// </summary>
public sealed class BackgroundJitPriorityTests
{
    private readonly FakeTimeProvider _time = new();

    /// <summary>A named thread that waits until disposed, and its Linux thread id.</summary>
    private sealed class NamedThread : IDisposable
    {
        private readonly ManualResetEventSlim _stop = new();
        private readonly Thread _thread;
        private int _tid;

        public NamedThread(string name)
        {
            using var started = new ManualResetEventSlim();
            _thread = new Thread(() =>
            {
                Volatile.Write(ref _tid, Gettid());
                started.Set();
                _stop.Wait();
            }) { Name = name, IsBackground = true };
            _thread.Start();
            started.Wait();
        }

        public int Tid => Volatile.Read(ref _tid);

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
        private static extern int Gettid();
    }

    private static int NiceOf(int tid) => NiceOf("self", tid);

    /// <summary>The nice value Linux reports for a thread (field 19 of its stat, counted after the name, which may hold spaces).</summary>
    internal static int NiceOf(string process, int tid)
    {
        var stat = File.ReadAllText($"/proc/{process}/task/{tid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16]);
    }

    private static string UniqueName() => $"m2a-{Random.Shared.Next(100_000, 999_999)}";

    [Fact]
    public void The_worker_is_found_by_name_and_lowered_once()
    {
        if (!OperatingSystem.IsLinux()) return;
        var name = UniqueName();
        using var worker = new NamedThread(name);
        Assert.Equal(0, NiceOf(worker.Tid));
        using var priority = new BackgroundJitPriority(19, 0, name, _time, NullLogger.Instance);

        Assert.True(priority.Tick());

        Assert.Equal(worker.Tid, priority.WorkerThreadId);
        Assert.Equal(19, NiceOf(worker.Tid));
        Assert.False(priority.Tick()); // still running, already lowered
    }

    [Fact]
    public void A_worker_that_ended_is_found_again_when_the_runtime_starts_a_new_one()
    {
        if (!OperatingSystem.IsLinux()) return;
        var name = UniqueName();
        using var priority = new BackgroundJitPriority(12, 0, name, _time, NullLogger.Instance);
        var first = new NamedThread(name);
        Assert.True(priority.Tick());
        var firstTid = first.Tid;
        first.Dispose();

        using var second = new NamedThread(name);
        // The first thread's /proc entry goes once the kernel has reaped it: until then the check sees it still there.
        Assert.True(SpinWait.SpinUntil(priority.Tick, TimeSpan.FromSeconds(10)), "the new worker was not found");

        Assert.Equal(second.Tid, priority.WorkerThreadId);
        Assert.NotEqual(firstTid, second.Tid);
        Assert.Equal(12, NiceOf(second.Tid));
    }

    [Fact]
    public void Other_threads_keep_their_priority()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var bystander = new NamedThread(UniqueName());
        using var priority = new BackgroundJitPriority(19, 0, UniqueName(), _time, NullLogger.Instance);

        Assert.False(priority.Tick());

        Assert.Equal(-1, priority.WorkerThreadId);
        Assert.Equal(0, NiceOf(bystander.Tid));
    }

    [Fact]
    public void Nice_0_and_no_slice_leave_the_worker_as_the_runtime_made_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        var name = UniqueName();
        using var worker = new NamedThread(name);
        var slice = ThreadScheduling.SliceOf(worker.Tid);
        using var priority = new BackgroundJitPriority(0, 0, name, _time, NullLogger.Instance);

        Assert.False(priority.Tick());

        Assert.Equal(-1, priority.WorkerThreadId);
        Assert.Equal(0, NiceOf(worker.Tid));
        Assert.Equal(slice, ThreadScheduling.SliceOf(worker.Tid));
    }

    /// <summary>Linux 6.12+ reports every normal thread's slice; older kernels report none and ignore one that is set.</summary>
    private static bool KernelHasSlices => ThreadScheduling.SliceOf(0) > 0;

    [Theory]
    [InlineData(0, 0, BackgroundJitPriority.DefaultSliceUs, 0)] // the default: a short slice at the runtime's priority
    [InlineData(5, 0, BackgroundJitPriority.DefaultSliceUs, 5)] // a node started under nice keeps its value
    [InlineData(0, 19, 250, 19)] // both asked for
    public void The_worker_gets_its_slice_and_the_nice_value_asked_for_or_its_own(int startNice, int nice, int sliceUs, int expectedNice)
    {
        if (!OperatingSystem.IsLinux()) return;
        var name = UniqueName();
        using var worker = new NamedThread(name);
        Assert.Equal(0, ThreadScheduling.SetPriority(ThreadScheduling.PrioProcess, worker.Tid, startNice));
        using var bystander = new NamedThread(UniqueName());
        var defaultSlice = ThreadScheduling.SliceOf(bystander.Tid);
        using var logs = new CapturingLoggerProvider();
        using var priority = new BackgroundJitPriority(nice, sliceUs, name, _time, logs.CreateLogger("jit"));

        Assert.True(priority.Tick());

        Assert.Equal(worker.Tid, priority.WorkerThreadId);
        Assert.Equal(expectedNice, NiceOf(worker.Tid));
        Assert.Contains($"tiered compilation worker (thread {worker.Tid}) runs at nice {expectedNice}", logs.AllText, StringComparison.Ordinal);
        Assert.Equal(KernelHasSlices ? sliceUs * 1000L : 0, ThreadScheduling.SliceOf(worker.Tid));
        Assert.Equal(defaultSlice, ThreadScheduling.SliceOf(bystander.Tid));
        Assert.NotEqual(sliceUs * 1000L, defaultSlice);
    }

    [Fact]
    public void The_timer_lowers_the_worker_without_being_asked()
    {
        if (!OperatingSystem.IsLinux()) return;
        var name = UniqueName();
        using var worker = new NamedThread(name);
        using var priority = new BackgroundJitPriority(19, 0, name, _time, NullLogger.Instance);

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(worker.Tid, priority.WorkerThreadId);
        Assert.Equal(19, NiceOf(worker.Tid));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("20")]
    [InlineData("low")]
    public void An_invalid_nice_value_is_a_start_up_error(string value)
    {
        var configuration = new ConfigurationManager();
        configuration["JIT_BACKGROUND_NICE"] = value;

        var (_, errors) = Mix2ApiSettings.Load(configuration, isDevelopment: true);

        Assert.Contains(errors, e => e.StartsWith("JIT_BACKGROUND_NICE (Mix2Api:Runtime:BackgroundJitNice)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-1", "is outside 0..100000")]
    [InlineData("100001", "is outside 0..100000")]
    [InlineData("50", "50 is under the kernel's shortest slice (100); 0 keeps its default")]
    [InlineData("short", "'short' is not a whole number")]
    public void An_invalid_slice_is_a_start_up_error(string value, string problem)
    {
        var configuration = new ConfigurationManager();
        configuration["JIT_BACKGROUND_SLICE_US"] = value;

        var (_, errors) = Mix2ApiSettings.Load(configuration, isDevelopment: true);

        Assert.Contains(errors, e => e.StartsWith("JIT_BACKGROUND_SLICE_US (Mix2Api:Runtime:BackgroundJitSliceUs): ", StringComparison.Ordinal) && e.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    [InlineData("100000", 100_000)]
    public void A_slice_in_range_is_taken(string value, int expected)
    {
        var configuration = new ConfigurationManager();
        configuration["JIT_BACKGROUND_SLICE_US"] = value;

        var (settings, errors) = Mix2ApiSettings.Load(configuration, isDevelopment: true);

        Assert.Empty(errors);
        Assert.Equal(expected, settings.BackgroundJitSliceUs);
    }

    [Fact]
    public void By_default_the_worker_keeps_the_runtime_priority_with_a_100_us_slice()
    {
        var settings = Mix2ApiSettings.Load(new ConfigurationManager(), isDevelopment: true).Settings;
        Assert.Equal(0, settings.BackgroundJitNice);
        Assert.Equal(100, settings.BackgroundJitSliceUs);
    }
}
