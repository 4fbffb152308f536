using System.Runtime.CompilerServices;
using Akka.Streams;
using Mix2Api.Streams.Graph;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// The stage timer that lets go of its stage: it fires once with itself, a cancelled one never fires, and once
/// cancelled, what its callback held can be collected although Akka's scheduler still holds the timer.
/// </summary>
public class ReleasingTimerTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public ReleasingTimerTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    [Fact]
    public async Task A_timer_fires_once_with_itself()
    {
        var fired = new TaskCompletionSource<ReleasingTimer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var timer = ReleasingTimer.Start(_materializer, TimeSpan.FromMilliseconds(20), t =>
        {
            Interlocked.Increment(ref count);
            fired.TrySetResult(t);
        });
        Assert.Same(timer, await fired.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        timer.Cancel(); // after it fired: harmless
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_cancelled_timer_never_fires()
    {
        var cancelledFired = false;
        var cancelled = ReleasingTimer.Start(_materializer, TimeSpan.FromMilliseconds(20), _ => cancelledFired = true);
        cancelled.Cancel();
        // A later timer on the same scheduler: by the time it fires, the cancelled one's deadline has passed.
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ReleasingTimer.Start(_materializer, TimeSpan.FromMilliseconds(200), _ => later.TrySetResult());
        await later.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(cancelledFired);
    }

    [Fact]
    public void A_cancelled_timer_no_longer_holds_what_its_callback_holds()
    {
        // An hour: Akka's scheduler keeps the registration for the whole test.
        var (timer, held) = StartHolding(TimeSpan.FromHours(1));
        timer.Cancel();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(held.IsAlive, "the cancelled timer's callback (the stage, in a graph) is still reachable");
        GC.KeepAlive(timer);
    }

    [Fact]
    public void An_armed_timer_holds_its_callback()
    {
        var (timer, held) = StartHolding(TimeSpan.FromHours(1));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.True(held.IsAlive);
        timer.Cancel();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private (ReleasingTimer Timer, WeakReference Held) StartHolding(TimeSpan delay)
    {
        var stage = new object();
        var timer = ReleasingTimer.Start(_materializer, delay, _ => GC.KeepAlive(stage));
        return (timer, new WeakReference(stage));
    }
}
