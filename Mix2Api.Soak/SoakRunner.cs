using System.Diagnostics;
using System.Globalization;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Soak;

public sealed record SoakResult(int Passed, int Failed, IReadOnlyList<string> Report);

/// <summary>
/// The soak: the broker as its own process against an in-process simulator that draws a random fault per
/// request, clients that leave at random moments, stream / non-stream / tools mixed. Then the checks, each
/// a line <c>PASS|FAIL name: …</c>, and the last line <c>N passed, M failed</c>.
/// </summary>
public static class SoakRunner
{
    private static readonly HashSet<string> KnownEndReasons =
    [
        "stop", "tool_calls", "length", "client_abort", "timeout", "upstream_error", "upstream_auth_error", "rate_limited",
        "adapter_error", "invalid_request", "auth_error", "overloaded", "shutdown",
    ];

    private static readonly HashSet<string> FinishReasons = ["stop", "tool_calls", "length"];

    private static readonly TimeSpan SessionTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MemoryTrimIdle = TimeSpan.FromSeconds(5);

    public static async Task<SoakResult> RunAsync(SoakOptions o, TextWriter output)
    {
        var report = new SoakReport(output);

        var clock = Stopwatch.StartNew();
        var inboundKeys = new[] { "sk-soak-a-" + Guid.NewGuid().ToString("N"), "sk-soak-b-" + Guid.NewGuid().ToString("N") };
        var upstreamToken = "up-soak-" + Guid.NewGuid().ToString("N");
        var wrongKey = "sk-wrong-" + Guid.NewGuid().ToString("N");
        var secrets = new[] { inboundKeys[0], inboundKeys[1], upstreamToken, wrongKey };
        var logPath = o.LogPath ?? Path.Combine(Path.GetTempPath(), $"mix2api-soak-{Environment.ProcessId}-{o.Seed}.log");

        var mix = SimFaultMix.Parse(o.Faults, o.Seed);
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RecordLimit = 0, FaultMix = mix });
        await using var broker = await SoakBroker.StartAsync(o.BrokerDll, new Dictionary<string, string>(SoakBroker.BaseEnvironment(simulator.BaseUrl, upstreamToken, inboundKeys))
        {
            ["UPSTREAM_FIRST_BYTE_TIMEOUT_MS"] = "10000",
            ["UPSTREAM_IDLE_TIMEOUT_MS"] = "3000",
            // Every soak request opens its own conversation: let that session state expire soon after the load,
            // so the memory check sees what remains once nothing should (a leak), not live sessions.
            ["SESSION_TTL_MS"] = SessionTtl.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
            ["SESSION_ENTITY_IDLE_MS"] = "5000",
            // Both memory measures are of a quiet node that has given back what the GC kept for the traffic before.
            ["MEMORY_TRIM_IDLE_MS"] = MemoryTrimIdle.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        }, logPath);
        report.Say($"soak: {o.Requests} requests at C={o.Concurrency}, seed {o.Seed}, faults {mix.Describe()}, client aborts {o.AbortRate:P0}");
        report.Say($"soak: broker pid {broker.Pid} at {broker.BaseUrl}, log {logPath}");

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            MaxResponseDrainSize = 0, // an abandoned response closes its connection at once (a real client leaving)
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        }) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new SoakClient(http, new Uri(broker.BaseUrl, "v1/chat/completions"), inboundKeys, wrongKey, o.RequestTimeout);

        // Warm-up (JIT, pools), not judged; then the memory baseline of the quiet node.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.RunAsync(SoakPlan.Draw(o.Seed + 1, i, 0) with { RequestId = $"warmup-{i}" })));
        await Task.Delay(MemoryTrimIdle * 1.5);
        var (_, rssStart) = await BrokerMemory.RssAroundGcMbAsync(broker.Pid);
        var heapStart = await BrokerMemory.GcHeapMbAsync(http, broker.BaseUrl);

        var outcomes = new SoakOutcome?[o.Requests];
        var next = -1;
        var done = 0;
        var loadClock = Stopwatch.StartNew();
        using var progress = new Timer(_ => output.WriteLine($"soak: {Volatile.Read(ref done)}/{o.Requests} done after {loadClock.Elapsed.TotalSeconds:0} s"),
            null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < o.Requests && clock.Elapsed < o.TimeLimit && !broker.HasExited)
            {
                outcomes[i] = await client.RunAsync(SoakPlan.Draw(o.Seed, i, o.AbortRate));
                Interlocked.Increment(ref done);
            }
        }));
        var loadTime = loadClock.Elapsed;
        await progress.DisposeAsync();

        var sent = outcomes.Where(x => x is not null).Select(x => x!).ToList();
        var openUpstream = await WaitUntilAsync(() => simulator.Simulator.ActiveExchanges, TimeSpan.FromSeconds(20));
        var log = await WaitForLogAsync(logPath, sent, TimeSpan.FromSeconds(20));
        var settle = SessionTtl + MemoryTrimIdle - loadClock.Elapsed + loadTime;
        if (settle > TimeSpan.Zero) await Task.Delay(settle);
        var (rssBeforeGc, rssEnd) = broker.HasExited ? (-1, -1) : await BrokerMemory.RssAroundGcMbAsync(broker.Pid);
        var heapEnd = broker.HasExited ? -1 : await BrokerMemory.GcHeapMbAsync(http, broker.BaseUrl);
        var surfaces = broker.HasExited ? "" : await http.GetStringAsync(new Uri(broker.BaseUrl, "metrics")) + await http.GetStringAsync(new Uri(broker.BaseUrl, "health"));
        log = BrokerLog.Read(logPath);


        // Figures first.
        var terminated = sent.Where(x => x.Verdict == SoakVerdict.Terminated).ToList();
        report.Say($"soak: load took {loadTime.TotalSeconds:0.0} s ({sent.Count / Math.Max(loadTime.TotalSeconds, 0.001):0} req/s); "
            + $"client verdicts: {Counts(sent.Select(x => x.Verdict == SoakVerdict.Terminated ? x.Terminal : x.Verdict.ToString().ToLowerInvariant()))}");
        var reasons = sent.SelectMany(x => log.Completed.TryGetValue(x.Plan.RequestId, out var r) ? r : []).ToList();
        report.Say($"soak: end_reason: {Counts(reasons)}");
        var latencies = terminated.Select(x => x.DurationMs).Order().ToArray();
        report.Say($"soak: latency of requests that ended (ms): p50 {Percentile(latencies, 0.50):0.0}, p90 {Percentile(latencies, 0.90):0.0}, "
            + $"p99 {Percentile(latencies, 0.99):0.0}, max {(latencies.Length == 0 ? 0 : latencies[^1]):0.0}");
        report.Say($"soak: broker RSS after a forced GC: {rssStart} MiB before the load, {rssEnd} MiB after it once session state expired "
            + $"({rssBeforeGc} MiB just before that GC; margin {o.MemoryMarginMb} MiB); GC heap {heapStart:0.0} → {heapEnd:0.0} MiB");

        report.Check(sent.Count == o.Requests && !broker.HasExited, "all requests sent, broker alive",
            $"{sent.Count} of {o.Requests} sent within {o.TimeLimit.TotalMinutes:0} min; broker {(broker.HasExited ? "EXITED" : "running")}");
        var broken = sent.Where(x => x.Verdict == SoakVerdict.Broken).ToList();
        report.Check(broken.Count == 0, "terminal signal",
            $"{terminated.Count} of {sent.Count - sent.Count(x => x.Verdict == SoakVerdict.Aborted)} requests not aborted by their client ended with one"
            + Examples(broken, x => $"{x.Plan.RequestId} ({x.Plan.Shape}, HTTP {x.Status}): {x.Terminal}: {x.Problem}"));
        // A client that left before any answer may have left before the broker read its request: nothing to log then.
        var unseen = sent.Count(x => x.Verdict == SoakVerdict.Aborted && !x.Answered && !log.Completed.ContainsKey(x.Plan.RequestId));
        var notOnce = sent.Where(x => log.Completed.TryGetValue(x.Plan.RequestId, out var r) ? r.Count != 1 : x.Answered || x.Verdict != SoakVerdict.Aborted).ToList();
        report.Check(notOnce.Count == 0, "one request.completed per request",
            $"{sent.Count - notOnce.Count - unseen} of {sent.Count} logged exactly once, {unseen} left by their client before the broker read them, never logged twice"
            + Examples(notOnce, x => $"{x.Plan.RequestId}: {(log.Completed.TryGetValue(x.Plan.RequestId, out var r) ? r.Count : 0)} events"));
        var misattributed = sent.Where(x => log.Completed.TryGetValue(x.Plan.RequestId, out var r) && r.Count == 1 && !Attributed(x, r[0])).ToList();
        report.Check(misattributed.Count == 0, "end_reason known and matching what the client saw",
            $"{misattributed.Count} wrong (never unknown; finish ⇒ stop/tool_calls/length; error ⇒ a failure reason)"
            + Examples(misattributed, x => $"{x.Plan.RequestId}: client saw {x.Terminal}, end_reason {log.Completed[x.Plan.RequestId][0]}"));
        report.Check(openUpstream == 0, "no upstream response left open", $"{openUpstream} simulator exchanges still running 20 s after the load "
            + $"({simulator.Simulator.TotalExchanges} upstream exchanges in all)");
        report.Check(rssEnd >= 0 && rssEnd <= rssStart + o.MemoryMarginMb, "memory back after a forced GC",
            $"{rssStart} → {rssEnd} MiB (allowed up to {rssStart + o.MemoryMarginMb} MiB)");
        var leaked = secrets.Where(s => log.Text.Contains(s, StringComparison.Ordinal) || surfaces.Contains(s, StringComparison.Ordinal)).ToList();
        report.Check(leaked.Count == 0 && surfaces.Length > 0, "no secret in the log, /metrics or /health",
            $"{secrets.Length} run secrets (2 inbound keys, the wrong key, the upstream token) searched in {log.Text.Length / 1024} KiB of log; {leaked.Count} found");
        report.Check(clock.Elapsed < o.TimeLimit, "bounded in time", $"{clock.Elapsed.TotalSeconds:0} s of {o.TimeLimit.TotalSeconds:0} s");

        return report.Finish();
    }

    internal static bool Attributed(SoakOutcome x, string reason)
    {
        if (!KnownEndReasons.Contains(reason)) return false;
        return x.Verdict != SoakVerdict.Terminated || (x.Terminal == "finish") == FinishReasons.Contains(reason);
    }

    private static async Task<long> WaitUntilAsync(Func<long> value, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (value() != 0 && clock.Elapsed < timeout) await Task.Delay(100);
        return value();
    }

    private static async Task<BrokerLog> WaitForLogAsync(string path, List<SoakOutcome> sent, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var log = BrokerLog.Read(path);
            if (sent.All(x => log.Completed.ContainsKey(x.Plan.RequestId) || (x.Verdict == SoakVerdict.Aborted && !x.Answered)) || clock.Elapsed > timeout)
                return log;
            await Task.Delay(500);
        }
    }

    internal static string Counts(IEnumerable<string> values) =>
        string.Join(", ", values.GroupBy(v => v).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    internal static string Examples<T>(List<T> items, Func<T, string> describe) =>
        items.Count == 0 ? "" : "; e.g. " + string.Join("; ", items.Take(5).Select(describe));
}
