using Mix2Api.Host.Operations;

namespace Mix2Api.Tests.Operations;

/// <summary>
/// The admin view's record of session keys is written by every chat request, from many threads at once, and trims
/// itself to the least recently seen keys. (A 30,000-conversation <c>./soak</c> caught the old trimming throwing when a
/// key was added between its count and its copy, a window too narrow to hit reliably here; these tests pin the bound,
/// the eviction order and that concurrent writers never fail.)
/// </summary>
public sealed class SessionActivityTests
{
    [Fact]
    public async Task Many_threads_recording_new_keys_past_the_bound_never_throw_and_keep_it_bounded()
    {
        var activity = new SessionActivity(TimeProvider.System, maxEntries: 200);
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 20_000; i++) activity.Record($"key-{w}-{i}", i % 2 == 0 ? "up" : null);
        })).ToArray();
        start.Set();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        // Bounded: at most the bound plus what the other writers added while one of them trimmed.
        Assert.True(Count(activity, 8, 20_000) <= 200 + 8 * 200, "the activity record outgrew its bound");
        activity.Record("after", null);
        Assert.NotNull(activity.Find("after"));
    }

    [Fact]
    public void Past_the_bound_the_least_recently_seen_keys_go_first()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var activity = new SessionActivity(time, maxEntries: 10);
        for (var i = 0; i < 10; i++)
        {
            activity.Record($"k{i}", null);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        activity.Record("k0", null); // seen again: now the most recent
        time.Advance(TimeSpan.FromSeconds(1));
        activity.Record("k10", null); // 11 keys: trimmed to 9, the two least recently seen go

        Assert.NotNull(activity.Find("k0"));
        Assert.Null(activity.Find("k1"));
        Assert.Null(activity.Find("k2"));
        Assert.NotNull(activity.Find("k3"));
        Assert.NotNull(activity.Find("k10"));
    }

    [Fact]
    public void A_key_seen_again_counts_its_turns_and_keeps_its_upstream_session()
    {
        var activity = new SessionActivity(TimeProvider.System);
        activity.Record("k", "s1");
        activity.Record("k", null);
        var entry = activity.Find("k")!;
        Assert.Equal(2, entry.Turns);
        Assert.Equal("s1", entry.UpstreamSessionFp);
    }

    private static int Count(SessionActivity activity, int writers, int perWriter)
    {
        var n = 0;
        for (var w = 0; w < writers; w++)
            for (var i = 0; i < perWriter; i++)
                if (activity.Find($"key-{w}-{i}") is not null) n++;
        return n;
    }
}
