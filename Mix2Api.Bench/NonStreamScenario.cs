namespace Mix2Api.Bench;

/// <summary>s4 figures: the broker answers with one JSON completion; the baseline reads the simulator's SSE reply whole.</summary>
public sealed record NonStreamResult(int Concurrency, int Requests, int Failures, string FailureSample, ResourceUse Broker, ResourceUse Direct)
{
    public double BrokerCpuMsPerRequest => Broker.BrokerCpuMs / Requests;
    public double BrokerRequestsPerSecond => Requests / (Broker.WallMs / 1000.0);
    public double DirectRequestsPerSecond => Requests / (Direct.WallMs / 1000.0);
}

/// <summary>s4: non-stream requests at C=32, <c>chunks</c> upstream deltas each.</summary>
public static class NonStreamScenario
{
    public static async Task<NonStreamResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var (broker, direct) = await ctx.PairAsync($"Answer in one piece. [[sim:long chunks={o.NonStreamChunks}]]", stream: false);
        ctx.Say($"  s4 warm-up: {o.ScenarioWarmupTime.TotalSeconds:0} s at C={o.NonStreamConcurrency}, both sides");
        await Warmup.RunAsync(o.ScenarioWarmupTime, async () =>
        {
            await ClosedLoop.RunAsync(o.NonStreamConcurrency, o.NonStreamConcurrency * 4, () => ctx.Client.RunAsync(broker, CancellationToken.None));
            await ClosedLoop.RunAsync(o.NonStreamConcurrency, o.NonStreamConcurrency * 4, () => ctx.Client.RunAsync(direct, CancellationToken.None));
        });

        ctx.Say($"  s4 direct: {o.NonStreamRequests} requests at C={o.NonStreamConcurrency}");
        var meter = ResourceMeter.Start(ctx.Broker.Pid);
        var directResults = await ClosedLoop.RunAsync(o.NonStreamConcurrency, o.NonStreamRequests, () => ctx.Client.RunAsync(direct, CancellationToken.None));
        var directUse = meter.Stop();
        await Task.Delay(500);

        ctx.Say($"  s4 broker: {o.NonStreamRequests} requests at C={o.NonStreamConcurrency}");
        meter = ResourceMeter.Start(ctx.Broker.Pid);
        var brokerResults = await ClosedLoop.RunAsync(o.NonStreamConcurrency, o.NonStreamRequests, () => ctx.Client.RunAsync(broker, CancellationToken.None));
        var brokerUse = meter.Stop();

        var failures = brokerResults.Where(r => !r.IsSuccess(0, streamed: false))
            .Concat(directResults.Where(r => !r.IsSuccess(o.NonStreamChunks, streamed: true))).ToList();
        return new NonStreamResult(o.NonStreamConcurrency, o.NonStreamRequests, failures.Count, BenchContext.Describe(failures, o.NonStreamChunks), brokerUse, directUse);
    }
}
