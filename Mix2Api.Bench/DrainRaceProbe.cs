using Mix2Api.Host.Simulator;

namespace Mix2Api.Bench;

/// <summary>
/// <c>./bench --probe drain-race</c>: a reproduction, not a measurement. The upstream sends <c>finish</c>,
/// waits a little, then <c>[DONE]</c>, so the broker's read of <c>[DONE]</c> is still in flight when it ends the
/// stream. Requests go one at a time, so each reuses the previous one's pooled upstream connection; any
/// reply but 200 with every chunk shows what that in-flight read did to the connection.
/// </summary>
public static class DrainRaceProbe
{
    public static async Task<int> RunAsync(BenchContext ctx, int requests)
    {
        var script = new SimScript("finish-then-late-done",
            new SimStep.StartFrame(), SimFrames.StartStep, SimFrames.TextStart(), new SimStep.TextDeltas("late done", 2),
            SimFrames.TextEnd(), SimFrames.FinishStep, SimFrames.Finish, new SimStep.Delay(TimeSpan.FromMilliseconds(20)), new SimStep.Done());
        var previous = ctx.Simulator.Simulator.DefaultScript;
        ctx.Simulator.Simulator.DefaultScript = script;
        try
        {
            var (broker, direct) = await ctx.PairAsync("Drain race probe.", stream: true);
            await RunSideAsync(ctx, direct, requests);
            return await RunSideAsync(ctx, broker, requests);
        }
        finally
        {
            ctx.Simulator.Simulator.DefaultScript = previous;
        }
    }

    private static async Task<int> RunSideAsync(BenchContext ctx, Target target, int requests)
    {
        var failures = new List<StreamResult>();
        for (var i = 0; i < requests; i++)
        {
            var result = await ctx.Client.RunAsync(target, CancellationToken.None);
            if (!result.IsSuccess(2, streamed: true)) failures.Add(result);
        }
        ctx.Say($"drain-race probe, {target.Name}: {requests} sequential requests, {failures.Count} failed"
            + (failures.Count > 0 ? $" ({BenchContext.Describe(failures, 2)})" : ""));
        return failures.Count;
    }
}
