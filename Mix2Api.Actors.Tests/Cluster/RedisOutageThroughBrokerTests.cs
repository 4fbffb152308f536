using System.Diagnostics;
using System.Net;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// redis-server (the session journal) killed or paused under traffic: no request fails or waits for Redis (turns go on
/// without their session), /health says degraded (200) until Redis returns, and then the journaled session is found
/// again. Own redis-server, because this test kills it.
/// </summary>
[Collection(TimedProcessTests.Name)]
public sealed class RedisOutageThroughBrokerTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The broker's own time for a turn (request.completed duration_ms): at most the two session asks (begin, end; 300 ms
    // each) plus a normal turn on a loaded 2-core machine, well below what waiting on a dead Redis would cost
    // (connect timeout 2 s, or forever without the command timeout).
    private static readonly TimeSpan MaxTurn = TimeSpan.FromMilliseconds(1500);
    // What the client sees adds this test process's own scheduling on a machine running the whole suite: a hang, not a delay.
    private static readonly TimeSpan MaxClientTurn = TimeSpan.FromSeconds(5);
    private readonly RedisServerFixture _redis = new();
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task Killing_Redis_mid_traffic_fails_no_request_and_marks_health_degraded_until_it_returns()
    {
        // Production Redis timings: 250 ms per command, ping every second.
        await using var broker = await RedisBrokers.StartAsync(RedisBrokers.Settings(_redis, _prefix,
            ("REDIS_COMMAND_TIMEOUT_MS", "250"), ("REDIS_PING_INTERVAL_MS", "1000")));
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("a long conversation");
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var redisStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = TurnsAsync(broker, conversation, max: 500, warmedUp, redisStopped.Task);

        await warmedUp.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _redis.StopAsync();
        redisStopped.SetResult();
        var turns = await traffic.WaitAsync(TimeSpan.FromSeconds(60));
        var (status, health) = await ClusterChat.HealthAsync(broker.Client);
        var (readyStatus, ready) = await ClusterChat.HealthAsync(broker.Client, "health/ready");

        var before = turns.Where(t => !t.DuringKill && !t.AfterKill).ToList();
        var outage = turns.Where(t => t.DuringKill || t.AfterKill).ToList();
        var worst = outage.MaxBy(t => t.Duration)!;
        output.WriteLine($"redis-server killed (SIGKILL) under sequential traffic: before: {before.Count} turns, max {before.Max(t => t.Duration).TotalMilliseconds:F0} ms; " +
            $"during the kill and after: {outage.Count} turns ({outage.Count(t => t.DuringKill)} while it was being killed), max {worst.Duration.TotalMilliseconds:F0} ms (client), {worst.ServerMs:F0} ms (request.completed duration_ms), " +
            $"mean {outage.Average(t => t.Duration.TotalMilliseconds):F0} ms");
        Assert.Equal(20, turns.Count(t => t.AfterKill));
        Assert.All(turns, t => Assert.Equal(HttpStatusCode.OK, t.Reply.Status));
        Assert.All(outage, t => Assert.True(t.ServerMs < MaxTurn.TotalMilliseconds, $"an outage turn took {t.ServerMs:F0} ms in the broker"));
        Assert.All(outage, t => Assert.True(t.Duration < MaxClientTurn, $"an outage turn took {t.Duration.TotalMilliseconds:F0} ms at the client"));
        // Before the kill the conversation kept one upstream session; while the journal is gone its turns go on
        // without it (a fresh upstream session, the history carried in the query), never failing or waiting on Redis.
        var session = turns[0].Reply.HeaderSessionId;
        Assert.All(before.Skip(1), t => Assert.Equal(session, t.Reply.SentSessionId));
        Assert.All(turns.Where(t => t.AfterKill).Skip(1), t => Assert.Contains("[对话历史]", t.Reply.UpstreamQuery));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("session_store").GetProperty("degraded").GetBoolean());
        Assert.Equal((HttpStatusCode.OK, "degraded"), (readyStatus, ready.GetProperty("status").GetString()));

        var clock = Stopwatch.StartNew();
        await _redis.StartAsync();
        await Eventually.TrueAsync(async () =>
        {
            var (_, h) = await ClusterChat.HealthAsync(broker.Client);
            return !h.GetProperty("session_store").GetProperty("degraded").GetBoolean() && h.GetProperty("status").GetString() == "ok";
        }, TimeSpan.FromSeconds(30), "the store was still degraded 30 s after Redis came back");
        output.WriteLine($"recovery: /health not degraded {clock.ElapsedMilliseconds} ms after redis-server was started again");

        var fresh = await ClusterChat.SendAsync(broker.Client, sim, new Conversation("a new chat after the outage"));
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        // This redis-server kept nothing on disk, so the journal died with it: the conversation goes on on a new
        // session, its history carried (the pause test shows a journaled session found again).
        var after = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("ok", "after the outage"));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Contains("[对话历史]", after.UpstreamQuery);
    }

    [Fact]
    public async Task A_Redis_that_stops_answering_costs_a_turn_at_most_its_session_ask_timeouts()
    {
        await using var broker = await RedisBrokers.StartAsync(RedisBrokers.Settings(_redis, _prefix,
            ("REDIS_COMMAND_TIMEOUT_MS", "250"), ("REDIS_PING_INTERVAL_MS", "1000")));
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("talking while Redis hangs");
        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation);

        // CLIENT PAUSE keeps the connection open but answers nothing: the case a missing timeout would turn into a hang.
        await _redis.CommandAsync("CLIENT", "PAUSE", "4000", "ALL");
        var slowest = TimeSpan.Zero;
        var slowestServerMs = 0.0;
        for (var i = 0; i < 8; i++)
        {
            var clock = Stopwatch.StartNew();
            var reply = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("ok", $"paused {i}"));
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            slowestServerMs = Math.Max(slowestServerMs, (await broker.CompletedAsync(reply.RequestId)).DurationMs);
        }
        var (status, _) = await ClusterChat.HealthAsync(broker.Client);
        output.WriteLine($"redis-server paused (CLIENT PAUSE 4000 ALL): slowest of 8 turns {slowest.TotalMilliseconds:F0} ms at the client, {slowestServerMs:F0} ms in the broker (session ask timeout 300 ms)");

        Assert.True(slowestServerMs < MaxTurn.TotalMilliseconds, $"a turn took {slowestServerMs:F0} ms in the broker while Redis was paused");
        Assert.True(slowest < MaxClientTurn, $"a turn waited {slowest.TotalMilliseconds:F0} ms for a paused Redis");
        // "degraded" while Redis is paused is for the Redis journal to report (its writes then stall).
        Assert.Equal(HttpStatusCode.OK, status);
        await Eventually.TrueAsync(async () => (await ClusterChat.HealthAsync(broker.Client)).Body.GetProperty("status").GetString() == "ok",
            TimeSpan.FromSeconds(30), "the store was still degraded 30 s after the pause began");
        // After the pause the conversation is back on its journaled upstream session.
        await Eventually.TrueAsync(async () =>
            (await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("ok", "after the pause"))).SentSessionId == first.HeaderSessionId,
            TimeSpan.FromSeconds(30), "the conversation never found its journaled session again after the pause");
    }

    private sealed record Turn(ChatReply Reply, TimeSpan Duration, double ServerMs, bool DuringKill, bool AfterKill);

    /// <summary>
    /// One conversation, turn after turn (at most <paramref name="max"/>): signals after ten turns, keeps going while Redis
    /// is being killed, and stops after twenty turns that began with Redis dead.
    /// </summary>
    private static async Task<List<Turn>> TurnsAsync(BrokerHost broker, Conversation conversation, int max, TaskCompletionSource warmedUp, Task redisStopped)
    {
        var turns = new List<Turn>();
        var afterKill = 0;
        for (var i = 0; i < max && afterKill < 20; i++)
        {
            if (i > 0) conversation.Next("ok", $"turn {i}");
            var dead = redisStopped.IsCompleted;
            var dying = warmedUp.Task.IsCompleted && !dead;
            var clock = Stopwatch.StartNew();
            var reply = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, conversation);
            var elapsed = clock.Elapsed;
            var completed = await broker.CompletedAsync(reply.RequestId);
            turns.Add(new Turn(reply, elapsed, completed.DurationMs, dying, dead));
            if (dead) afterKill++;
            if (i == 9) warmedUp.SetResult();
        }
        return turns;
    }
}
