using System.Diagnostics;

namespace Mix2Api.Bench;

/// <summary>
/// Load before a measurement, long enough for the broker's tiered JIT to reach optimized code: a method
/// is promoted only after 30 calls, an instrumented round and a background compile that waits while new
/// methods keep appearing, and on one busy core that takes seconds, not a few hundred requests.
/// </summary>
public static class Warmup
{
    /// <summary>Repeats <paramref name="round"/> until <paramref name="duration"/> has passed, then lets the background JIT finish.</summary>
    public static async Task RunAsync(TimeSpan duration, Func<Task> round)
    {
        var start = Stopwatch.GetTimestamp();
        do
        {
            await round();
        }
        while (Stopwatch.GetElapsedTime(start) < duration);
        await Task.Delay(SettleTime);
    }

    /// <summary>
    /// The run's first phase: every request shape of s1, s2 and s4, through the broker and direct, all at
    /// once for <see cref="BenchOptions.WarmupTime"/>. Measured on this machine: after 5 s of load the
    /// broker's per-chunk path still ran tier-0 and instrumented code (3.6 ms CPU per 1,000 chunks); after
    /// 30 s, 1.1 ms. The simulator and the client (one process, one core) need it as much.
    /// </summary>
    public static async Task RunMixAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var shapes = new (string Prompt, bool Stream, int Concurrency)[]
        {
            ($"Warm-up, first byte. [[sim:long chunks={o.TtfbChunks}]]", true, 1),
            ($"Warm-up, throughput. [[sim:long chunks={o.ThroughputChunks}]]", true, 16),
            ($"Warm-up, one piece. [[sim:long chunks={o.NonStreamChunks}]]", false, 8),
        };
        var targets = new List<(Target Target, int Concurrency)>();
        foreach (var (prompt, stream, concurrency) in shapes)
        {
            var (broker, direct) = await ctx.PairAsync(prompt, stream);
            targets.Add((broker, concurrency));
            targets.Add((direct, concurrency));
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(o.WarmupTime.TotalSeconds * Stopwatch.Frequency);
        var requests = 0L;
        var workers = targets.SelectMany(t => Enumerable.Range(0, t.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await ctx.Client.RunAsync(t.Target, CancellationToken.None);
                Interlocked.Increment(ref requests);
            }
        })));
        await Task.WhenAll(workers);
        await Task.Delay(SettleTime);
        ctx.Say($"  warm-up: {requests:N0} requests in {o.WarmupTime.TotalSeconds:0} s");
    }

    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);
}
