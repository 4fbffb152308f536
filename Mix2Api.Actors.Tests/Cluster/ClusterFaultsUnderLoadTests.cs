using Mix2Api.Tests.Support;
using Mix2Api.Soak;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// <c>./soak --cluster</c> in small: two real broker processes in one cluster on one real redis-server, conversations
/// running on both, and under that load a SIGKILL of one node (then its restart and rejoin), redis-server killed and
/// restarted, then paused and resumed, and a SIGTERM of the other node with paced streams open on it. Every check of
/// the full run must pass: the survivor answers every request within the bound, streams end with the shutdown event
/// only after SHUTDOWN_DRAIN_MS while shorter ones finish, the leaving node exits 0 and its shards are served by the
/// survivor, no request fails or waits past the bound while Redis is gone, one request.completed per request.
/// </summary>
[Collection(TimedProcessTests.Name)]
public sealed class ClusterFaultsUnderLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Node_kill_graceful_leave_and_Redis_loss_under_load_pass_every_check()
    {
        var writer = new StringWriter();
        var result = await ClusterSoakRunner.RunAsync(new SoakOptions
        {
            Cluster = true,
            Concurrency = 6,
            Seed = 11,
            PhaseTime = TimeSpan.FromSeconds(2),
            Drain = TimeSpan.FromSeconds(3),
            TimeLimit = TimeSpan.FromMinutes(4),
            LogPath = Path.Combine(Path.GetTempPath(), $"mix2api-cluster-faults-{Guid.NewGuid():N}.log"),
        }, writer);
        output.WriteLine(writer.ToString());
        Assert.True(result.Failed == 0, writer.ToString());
        Assert.Equal(ClusterSoakRunner.CheckCount, result.Passed);
    }
}
