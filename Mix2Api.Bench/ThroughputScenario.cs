namespace Mix2Api.Bench;

/// <summary>One side of s2: chunks per second and where the CPU went.</summary>
public sealed record ThroughputSide(int Streams, long Chunks, int Failures, string FailureSample, ResourceUse Use)
{
    public double ChunksPerSecond => Chunks / (Use.WallMs / 1000.0);
}

/// <summary>
/// s2 figures. CPU per 1,000 chunks includes each stream's per-request cost, spread over its chunks. The
/// longer streams of <paramref name="LongBroker"/> split that into a fixed cost per stream and a marginal
/// cost per chunk (a straight line through the two points).
/// </summary>
public sealed record ThroughputResult(int Concurrency, int ChunksPerStream, ThroughputSide Broker, ThroughputSide Direct,
    int LongChunksPerStream, ThroughputSide LongBroker)
{
    public double BrokerCpuMsPer1000Chunks => Broker.Use.BrokerCpuMs / (Broker.Chunks / 1000.0);

    /// <summary>Broker CPU per extra 1,000 chunks once a stream is open.</summary>
    public double MarginalCpuMsPer1000Chunks =>
        (PerStream(LongBroker) - PerStream(Broker)) / (LongChunksPerStream - ChunksPerStream) * 1000.0;

    /// <summary>Broker CPU per stream that does not depend on its length (request, upstream call, setup, end).</summary>
    public double FixedCpuMsPerStream => PerStream(Broker) - MarginalCpuMsPer1000Chunks / 1000.0 * ChunksPerStream;

    private static double PerStream(ThroughputSide side) => side.Use.BrokerCpuMs / side.Streams;
}

/// <summary>s2: C streams at a time, each <c>chunks</c> deltas with no delay, through the broker and direct.</summary>
public static class ThroughputScenario
{
    public static async Task<ThroughputResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var (broker, direct) = await ctx.PairAsync($"Stream fast. [[sim:long chunks={o.ThroughputChunks}]]", stream: true);
        ctx.Say($"  s2 warm-up: {o.ScenarioWarmupTime.TotalSeconds:0} s at C={o.ThroughputConcurrency}, both sides");
        await Warmup.RunAsync(o.ScenarioWarmupTime, async () =>
        {
            await ClosedLoop.RunAsync(o.ThroughputConcurrency, o.ThroughputConcurrency, () => ctx.Client.RunAsync(broker, CancellationToken.None));
            await ClosedLoop.RunAsync(o.ThroughputConcurrency, o.ThroughputConcurrency, () => ctx.Client.RunAsync(direct, CancellationToken.None));
        });

        ctx.Say($"  s2 direct: {o.ThroughputStreams} streams at C={o.ThroughputConcurrency}");
        var directSide = await MeasureAsync(ctx, direct, o.ThroughputStreams, o.ThroughputChunks);
        await Task.Delay(500);
        ctx.Say($"  s2 broker: {o.ThroughputStreams} streams at C={o.ThroughputConcurrency}");
        var brokerSide = await MeasureAsync(ctx, broker, o.ThroughputStreams, o.ThroughputChunks);

        var (longBroker, _) = await ctx.PairAsync($"Stream longer. [[sim:long chunks={o.ThroughputLongChunks}]]", stream: true);
        await Warmup.RunAsync(TimeSpan.Zero,
            () => ClosedLoop.RunAsync(o.ThroughputConcurrency, o.ThroughputConcurrency, () => ctx.Client.RunAsync(longBroker, CancellationToken.None)));
        ctx.Say($"  s2 broker, long streams: {o.ThroughputLongStreams} streams of {o.ThroughputLongChunks} chunks at C={o.ThroughputConcurrency}");
        var longSide = await MeasureAsync(ctx, longBroker, o.ThroughputLongStreams, o.ThroughputLongChunks);
        return new ThroughputResult(o.ThroughputConcurrency, o.ThroughputChunks, brokerSide, directSide, o.ThroughputLongChunks, longSide);
    }

    private static async Task<ThroughputSide> MeasureAsync(BenchContext ctx, Target target, int streams, int chunksPerStream)
    {
        var o = ctx.Options;
        var meter = ResourceMeter.Start(ctx.Broker.Pid);
        var results = await ClosedLoop.RunAsync(o.ThroughputConcurrency, streams, () => ctx.Client.RunAsync(target, CancellationToken.None));
        var use = meter.Stop();
        var failures = results.Where(r => !r.IsSuccess(chunksPerStream, streamed: true)).ToList();
        var chunks = results.Sum(r => (long)r.Chunks);
        return new ThroughputSide(results.Length, chunks, failures.Count, BenchContext.Describe(failures, chunksPerStream), use);
    }
}
