using Mix2Api.Actors.Hosting;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

public sealed class ProbeLoopTests
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task A_probe_that_says_no_at_once_is_asked_again_only_after_the_pause()
    {
        var time = new TestTimeProvider();
        var asked = 0;
        var wait = ProbeLoop.UntilAsync(_ => { asked++; return Task.FromResult(asked == 3); }, TimeSpan.FromSeconds(30), Pause, time, CancellationToken.None);

        await time.WhenArmedTimers(1);
        Assert.Equal(1, asked);
        time.Advance(Pause - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, asked);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.WhenArmedTimers(1);
        Assert.Equal(2, asked);
        time.Advance(Pause);

        Assert.True(await wait);
        Assert.Equal(3, asked);
    }

    [Fact]
    public async Task The_wait_ends_with_no_once_its_time_is_over()
    {
        var time = new TestTimeProvider();
        var asked = 0;
        var wait = ProbeLoop.UntilAsync(_ => { asked++; return Task.FromResult(false); }, TimeSpan.FromMilliseconds(120), Pause, time, CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await time.WhenArmedTimers(1);
            time.Advance(Pause);
        }

        Assert.False(await wait);
        // Asked at 0, 50 and 100 ms, and once more when the last (shortened) pause ended at 120 ms.
        Assert.Equal(4, asked);
    }

    [Fact]
    public async Task Stopping_during_the_pause_cancels_the_wait()
    {
        var time = new TestTimeProvider();
        using var stop = new CancellationTokenSource();
        var wait = ProbeLoop.UntilAsync(_ => Task.FromResult(false), TimeSpan.FromSeconds(30), Pause, time, stop.Token);

        await time.WhenArmedTimers(1);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
