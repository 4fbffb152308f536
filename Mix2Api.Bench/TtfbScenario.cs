namespace Mix2Api.Bench;

/// <summary>s1 figures: time to first content chunk at C=1, broker and direct, and what the broker adds.</summary>
public sealed record TtfbResult(int Requests, int Chunks, double BrokerP50, double BrokerP99, double DirectP50, double DirectP99,
    int Failures, string FailureSample, double BrokerCpuMsPerRequest, double OtherCpuOnBrokerCoreMs, double WallMs)
{
    public double AddedP50 => BrokerP50 - DirectP50;
    public double AddedP99 => BrokerP99 - DirectP99;
}

/// <summary>
/// s1: one request at a time, streamed, <c>chunks</c> deltas. Broker and direct requests alternate (and
/// alternate which goes first) so that drift in the machine's load hits both sides alike. "Added" is the
/// difference of the percentiles, not the percentile of per-pair differences.
/// </summary>
public static class TtfbScenario
{
    public static async Task<TtfbResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var (broker, direct) = await ctx.PairAsync($"Time to first byte, please. [[sim:long chunks={o.TtfbChunks}]]", stream: true);
        ctx.Say($"  s1 warm-up: {o.ScenarioWarmupTime.TotalSeconds:0} s of request pairs");
        await Warmup.RunAsync(o.ScenarioWarmupTime, async () =>
        {
            await ctx.Client.RunAsync(broker, CancellationToken.None);
            await ctx.Client.RunAsync(direct, CancellationToken.None);
        });

        var brokerTimes = new List<double>(o.TtfbRequests);
        var directTimes = new List<double>(o.TtfbRequests);
        var failures = new List<StreamResult>();
        var brokerCpu = 0.0;
        // Other processes on the broker's core delay it: measure how much of that core was not the broker.
        var core = int.TryParse(o.BrokerCore, out var c) && ctx.Broker.Pinned ? c : -1;
        var coreBefore = core >= 0 ? ProcessStats.CoreBusyMs(core) : double.NaN;
        var brokerBefore = ProcessStats.CpuMs(ctx.Broker.Pid);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < o.TtfbRequests; i++)
        {
            var brokerFirst = i % 2 == 0;
            if (!brokerFirst) Record(await ctx.Client.RunAsync(direct, CancellationToken.None), directTimes);
            var before = ProcessStats.CpuMs(ctx.Broker.Pid);
            Record(await ctx.Client.RunAsync(broker, CancellationToken.None), brokerTimes);
            brokerCpu += ProcessStats.CpuMs(ctx.Broker.Pid) - before;
            if (brokerFirst) Record(await ctx.Client.RunAsync(direct, CancellationToken.None), directTimes);
        }
        return new TtfbResult(o.TtfbRequests, o.TtfbChunks,
            Percentiles.Of(brokerTimes, 0.50), Percentiles.Of(brokerTimes, 0.99),
            Percentiles.Of(directTimes, 0.50), Percentiles.Of(directTimes, 0.99),
            failures.Count, BenchContext.Describe(failures, o.TtfbChunks), brokerCpu / o.TtfbRequests,
            core >= 0 ? ProcessStats.CoreBusyMs(core) - coreBefore - (ProcessStats.CpuMs(ctx.Broker.Pid) - brokerBefore) : double.NaN,
            System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);

        void Record(StreamResult r, List<double> times)
        {
            if (r.IsSuccess(o.TtfbChunks, streamed: true)) times.Add(r.FirstChunkMs);
            else failures.Add(r);
        }
    }
}
