using System.Diagnostics;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Bench;

/// <summary>s3 figures for one N.</summary>
public sealed record OpenStreamsResult(int Streams, int Opened, int Failures, string FailureSample, double RampSeconds,
    long IdleRssKb, long OpenRssKb, long BrokerSeenOpen, int BrokerThreads, long BenchIdleRssKb, long BenchOpenRssKb,
    int ChunksPerStream, ResourceUse Use)
{
    /// <summary>(RSS with all open − RSS idle) / N, in KiB.</summary>
    public double KbPerStream => (OpenRssKb - IdleRssKb) / (double)Streams;

    /// <summary>The same for the bench process (simulator + client side of every stream).</summary>
    public double BenchKbPerStream => (BenchOpenRssKb - BenchIdleRssKb) / (double)Streams;
}

/// <summary>
/// s3: N paced streams open at once. The simulator sends one content chunk per pace, then holds every
/// stream at a gate (with keep-alive comments) until all N are open and memory has been read, so no
/// stream can finish early however long the ramp takes. Opening is limited to a burst of connects at a
/// time so the accept queues do not overflow.
/// </summary>
public static class OpenStreamsScenario
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromMinutes(2);

    public static async Task<OpenStreamsResult> RunAsync(BenchContext ctx, int n, HttpClient probe)
    {
        var o = ctx.Options;
        // Paced part long enough to cover the ramp of most runs; the gate covers the rest.
        var paced = 6 + 2 * n / 1000;
        var gate = new SimGate($"open-{n}");
        var script = new SimScript($"paced-{n}", SimScripts.Answer(null,
            new SimStep.TextDeltas(SimScripts.LongText(paced), paced, o.Pace),
            new SimStep.WaitGate(gate),
            new SimStep.TextDeltas("end.", 1))) { KeepAliveInterval = o.Pace };
        var expectedChunks = paced + 1;
        var target = ctx.BrokerTarget("Keep this stream open for the benchmark.", stream: true);
        var previousDefault = ctx.Simulator.Simulator.DefaultScript;
        ctx.Simulator.Simulator.DefaultScript = script;
        try
        {
            await Task.Delay(1_000);
            var idleRss = ProcessStats.RssKb(ctx.Broker.Pid);
            var benchIdleRss = ProcessStats.RssKb(Environment.ProcessId);
            ctx.Say($"  s3 N={n}: broker idle RSS {idleRss / 1024.0:0.0} MiB; opening {n} streams ({paced} chunks {o.Pace.TotalMilliseconds:0} ms apart, then a gate)");

            using var connecting = new SemaphoreSlim(o.OpenBurst);
            using var deadline = new CancellationTokenSource(paced * o.Pace + TimeSpan.FromMinutes(3));
            var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var opened = 0;
            var settled = 0;
            void Settle()
            {
                if (Interlocked.Increment(ref settled) == n) allOpen.TrySetResult();
            }

            var meter = ResourceMeter.Start(ctx.Broker.Pid);
            var start = Stopwatch.GetTimestamp();
            var streams = new Task<StreamResult>[n];
            for (var i = 0; i < n; i++)
            {
                await connecting.WaitAsync(deadline.Token);
                streams[i] = Task.Run(async () =>
                {
                    var released = 0;
                    void OnOpen()
                    {
                        Interlocked.Increment(ref opened);
                        if (Interlocked.Exchange(ref released, 1) == 0) { connecting.Release(); Settle(); }
                    }
                    try
                    {
                        return await ctx.Client.RunAsync(target, deadline.Token, OnOpen);
                    }
                    finally
                    {
                        if (Interlocked.Exchange(ref released, 1) == 0) { connecting.Release(); Settle(); }
                    }
                });
            }
            try
            {
                await allOpen.Task.WaitAsync(OpenTimeout);
            }
            catch (TimeoutException)
            {
                ctx.Say($"  s3 N={n}: only {opened} streams open after {OpenTimeout.TotalSeconds:0} s; measuring anyway");
            }
            var ramp = Stopwatch.GetElapsedTime(start).TotalSeconds;
            ctx.Say($"  s3 N={n}: {opened} open after {ramp:0.0} s; settling");

            await Task.Delay(o.Pace * 2 + TimeSpan.FromMilliseconds(500));
            var openRss = ProcessStats.RssKb(ctx.Broker.Pid);
            var benchOpenRss = ProcessStats.RssKb(Environment.ProcessId);
            var threads = ProcessStats.Threads(ctx.Broker.Pid);
            var seen = await ctx.Broker.ActiveStreamsAsync(probe);
            ctx.Say($"  s3 N={n}: broker RSS {openRss / 1024.0:0.0} MiB, {threads} threads, broker counts {seen} open streams; opening the gate");

            gate.Open();
            var results = await Task.WhenAll(streams);
            var use = meter.Stop();
            var failures = results.Where(r => !r.IsSuccess(expectedChunks, streamed: true)).ToList();
            return new OpenStreamsResult(n, opened, failures.Count, BenchContext.Describe(failures, expectedChunks), ramp,
                idleRss, openRss, seen, threads, benchIdleRss, benchOpenRss, expectedChunks, use);
        }
        finally
        {
            gate.Open();
            ctx.Simulator.Simulator.DefaultScript = previousDefault;
        }
    }
}
