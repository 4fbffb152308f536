using System.Diagnostics;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Bench;

/// <summary>One side (broker or direct) of s3: how the streams opened and what memory they took.</summary>
public sealed record OpenStreamsSide(int Opened, int Failures, string FailureSample, double RampSeconds,
    long BrokerIdleRssKb, long BrokerOpenRssKb, long BrokerSeenOpen, int BrokerThreads, long BenchIdleRssKb, long BenchOpenRssKb, ResourceUse Use)
{
    /// <summary>Bench process (simulator + client side of every stream) memory per stream, KiB.</summary>
    public double BenchKbPerStream(int n) => (BenchOpenRssKb - BenchIdleRssKb) / (double)n;
}

/// <summary>s3 figures for one N.</summary>
/// <param name="Requested">N asked for; <paramref name="Streams"/> is less when the open-files limit cannot hold 2 × N sockets per process.</param>
public sealed record OpenStreamsResult(int Requested, int Streams, int ChunksPerStream, OpenStreamsSide Broker, OpenStreamsSide Direct)
{
    /// <summary>(broker RSS with all open − broker RSS idle) / N, in KiB.</summary>
    public double KbPerStream => (Broker.BrokerOpenRssKb - Broker.BrokerIdleRssKb) / (double)Streams;

    public int Opened => Broker.Opened;

    public int Failures => Broker.Failures;

    public bool Capped => Streams < Requested;
}

/// <summary>
/// s3: N paced streams open at once, first straight to the simulator (to see what the simulator and the
/// client cost and how fast they open), then through the broker. The simulator sends one content chunk
/// per pace, then holds every stream at a gate (with keep-alive comments) until all N are open and memory
/// has been read, so no stream can finish early however long the ramp takes. Opening is limited to a
/// burst of connects at a time so the accept queues do not overflow.
/// </summary>
public static class OpenStreamsScenario
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs every N direct first, then every N through the broker, in increasing N. The order matters where
    /// descriptors are scarce: the broker keeps its upstream connections pooled after a phase (each holding a
    /// socket in the simulator), and a larger broker phase reuses them, while a direct phase could not.
    /// </summary>
    public static async Task<IReadOnlyList<OpenStreamsResult>> RunAsync(BenchContext ctx, IReadOnlyList<(int Requested, int N)> counts, HttpClient probe)
    {
        const string prompt = "Keep this stream open for the benchmark.";
        var (broker, direct) = await ctx.PairAsync(prompt, stream: true);
        var previousDefault = ctx.Simulator.Simulator.DefaultScript;
        var ordered = counts.OrderBy(c => c.N).ToList();
        try
        {
            var directSides = new List<OpenStreamsSide>();
            foreach (var (_, n) in ordered) directSides.Add(await RunSideAsync(ctx, direct, n, Paced(n), probe));
            var results = new List<OpenStreamsResult>();
            for (var i = 0; i < ordered.Count; i++)
            {
                var (requested, n) = ordered[i];
                results.Add(new OpenStreamsResult(requested, n, Paced(n) + 1, await RunSideAsync(ctx, broker, n, Paced(n), probe), directSides[i]));
            }
            return results;
        }
        finally
        {
            ctx.Simulator.Simulator.DefaultScript = previousDefault;
        }
    }

    // Paced long enough to cover a typical ramp; the gate covers the rest.
    private static int Paced(int n) => 6 + n / 1000;

    private static async Task<OpenStreamsSide> RunSideAsync(BenchContext ctx, Target target, int n, int paced, HttpClient probe)
    {
        var o = ctx.Options;
        var gate = new SimGate($"open-{target.Name}-{n}");
        ctx.Simulator.Simulator.DefaultScript = new SimScript($"paced-{n}", SimScripts.Answer(null,
            new SimStep.TextDeltas(SimScripts.LongText(paced), paced, o.Pace),
            new SimStep.WaitGate(gate),
            new SimStep.TextDeltas("end.", 1))) { KeepAliveInterval = o.Pace };
        var expectedChunks = paced + 1;
        var label = $"s3 N={n} {target.Name}";
        try
        {
            await Task.Delay(1_000);
            var idleRss = ProcessStats.RssKb(ctx.Broker.Pid);
            var benchIdleRss = ProcessStats.RssKb(Environment.ProcessId);
            ctx.Say($"  {label}: broker idle RSS {idleRss / 1024.0:0.0} MiB; opening {n} streams ({paced} chunks {o.Pace.TotalMilliseconds:0} ms apart, then a gate)");

            using var connecting = new SemaphoreSlim(o.OpenBurst);
            using var deadline = new CancellationTokenSource(paced * o.Pace + OpenTimeout + TimeSpan.FromMinutes(1));
            var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var opened = 0;
            var settled = 0;
            void Settle()
            {
                connecting.Release();
                if (Interlocked.Increment(ref settled) == n) allOpen.TrySetResult();
            }

            // A client of its own: disposing it closes its N connections at once (a pooled client would keep them).
            using var client = new LoadClient();
            var meter = ResourceMeter.Start(ctx.Broker.Pid);
            var start = Stopwatch.GetTimestamp();
            var progress = ReportProgressAsync(ctx, n, allOpen.Task, () => Volatile.Read(ref opened));
            var streams = new Task<StreamResult>[n];
            for (var i = 0; i < n; i++)
            {
                await connecting.WaitAsync(deadline.Token);
                streams[i] = Task.Run(async () =>
                {
                    var settledHere = 0;
                    try
                    {
                        return await client.RunAsync(target, deadline.Token, () =>
                        {
                            Interlocked.Increment(ref opened);
                            if (Interlocked.Exchange(ref settledHere, 1) == 0) Settle();
                        });
                    }
                    finally
                    {
                        if (Interlocked.Exchange(ref settledHere, 1) == 0) Settle();
                    }
                });
            }
            try
            {
                await allOpen.Task.WaitAsync(OpenTimeout);
            }
            catch (TimeoutException)
            {
                ctx.Say($"  {label}: only {opened} streams open after {OpenTimeout.TotalSeconds:0} s; measuring anyway");
            }
            var ramp = Stopwatch.GetElapsedTime(start).TotalSeconds;
            allOpen.TrySetResult();
            await progress;
            ctx.Say($"  {label}: {opened} open after {ramp:0.0} s; settling");

            await Task.Delay(o.Pace * 2 + TimeSpan.FromMilliseconds(500));
            var openRss = ProcessStats.RssKb(ctx.Broker.Pid);
            var benchOpenRss = ProcessStats.RssKb(Environment.ProcessId);
            var threads = ProcessStats.Threads(ctx.Broker.Pid);
            var seen = await ctx.Broker.ActiveStreamsAsync(probe);
            ctx.Say($"  {label}: broker RSS {openRss / 1024.0:0.0} MiB, {threads} threads, broker counts {seen} open streams; "
                + $"bench RSS {benchIdleRss / 1024.0:0.0} → {benchOpenRss / 1024.0:0.0} MiB; opening the gate");

            gate.Open();
            var results = await Task.WhenAll(streams);
            var use = meter.Stop();
            var failures = results.Where(r => !r.IsSuccess(expectedChunks, streamed: true)).ToList();
            return new OpenStreamsSide(opened, failures.Count, BenchContext.Describe(failures, expectedChunks), ramp,
                idleRss, openRss, seen, threads, benchIdleRss, benchOpenRss, use);
        }
        finally
        {
            gate.Open();
        }
    }

    // A ramp of 10,000 can take a while: say how far it got and which core is busy.
    private static async Task ReportProgressAsync(BenchContext ctx, int n, Task done, Func<int> opened)
    {
        while (true)
        {
            var meter = ResourceMeter.Start(ctx.Broker.Pid);
            if (await Task.WhenAny(done, Task.Delay(ProgressInterval)) == done) return;
            var use = meter.Stop();
            ctx.Say($"    {opened():N0}/{n:N0} open; core busy broker {use.BrokerCore:P0}, bench {use.BenchCore:P0}; "
                + $"broker RSS {ProcessStats.RssKb(ctx.Broker.Pid) / 1024.0:0} MiB, {ProcessStats.Threads(ctx.Broker.Pid)} threads");
        }
    }
}
