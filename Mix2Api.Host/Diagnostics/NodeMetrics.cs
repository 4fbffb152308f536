using Prometheus;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// This node's Prometheus registry (prometheus-net): one per host, not the library's static default, so several
/// nodes in one process (tests) keep their own figures. Served on <c>GET /metrics</c> of the chat and admin ports.
/// </summary>
public sealed class NodeMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public IMetricFactory Factory { get; }

    public NodeMetrics()
    {
        Factory = Metrics.WithCustomRegistry(Registry);
        // The process's own figures (process_working_set_bytes is the resident set on Linux), and what the GC holds
        // next to what its heap uses: a memory question starts from these two.
        DotNetStats.Register(Registry);
        var committed = Factory.CreateGauge("dotnet_gc_committed_bytes", "Memory the GC has committed, as of the last collection.");
        var heap = Factory.CreateGauge("dotnet_gc_heap_size_bytes", "Heap size (live objects and fragmentation), as of the last collection.");
        // What the process has allocated since it started: its rate is the GC's workload, and a difference over a
        // known number of requests is their allocation cost (how ./bench reports bytes per request).
        var allocated = Factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        // The JIT's work since the process started: while these still climb under steady traffic the node is still
        // recompiling hot code (tiered compilation), and its requests are slower and their tail longer than they will be.
        var jitMethods = Factory.CreateCounter("dotnet_jit_methods_compiled_total", "Methods the JIT has compiled since the process started, every tier counted.");
        var jitTime = Factory.CreateCounter("dotnet_jit_compilation_seconds_total", "Time threads have spent in the JIT since the process started.");
        Registry.AddBeforeCollectCallback(() =>
        {
            jitMethods.IncTo(System.Runtime.JitInfo.GetCompiledMethodCount());
            jitTime.IncTo(System.Runtime.JitInfo.GetCompilationTime().TotalSeconds);
            var info = GC.GetGCMemoryInfo();
            committed.Set(info.TotalCommittedBytes);
            heap.Set(info.HeapSizeBytes);
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: false));
        });
    }

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = ContentType;
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}
