using System.Diagnostics;
using System.Text.Json;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.State;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>
/// Redis going away, hanging or pausing while sessions are in use. Each test class has its own redis-server,
/// so stopping it here touches no other test.
/// </summary>
public sealed class RedisOutageTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    /// <summary>The bound the spec promises ("a few hundred ms"), with room for a loaded 2-core machine.</summary>
    private static readonly TimeSpan MaxCallTime = TimeSpan.FromMilliseconds(1000);
    private readonly RedisServerFixture _redis;
    private readonly SessionOptions _options = new() { KeyPrefix = $"t{Guid.NewGuid():N}:session" };
    private RedisConnection _connection = null!;
    private SessionRegion _region = null!;

    public RedisOutageTests(RedisServerFixture redis) => _redis = redis;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _connection = await RedisStores.ConnectAsync(_redis, commandTimeoutMs: 250);
        _region = new SessionRegion(RedisStores.Resilient(_connection, TimeProvider.System), _options, TimeProvider.System, new CapturingLoggerProvider().CreateFactory());
    }

    public async Task DisposeAsync()
    {
        await _region.DisposeAsync();
        await _connection.DisposeAsync();
        await _redis.StartAsync();
    }

    private async Task<TimeSpan> TimedTurnAsync(SessionContext context, string session = "s-1")
    {
        var watch = Stopwatch.StartNew();
        await using (var turn = await _region.BeginTurnAsync(context, CancellationToken.None))
        {
            turn.OnUpstreamIds(session, "e-1");
            await turn.CompleteAsync(CancellationToken.None);
        }
        return watch.Elapsed;
    }

    [Fact]
    public async Task When_redis_dies_during_traffic_no_turn_waits_and_health_is_degraded_until_it_returns()
    {
        var context = Chat.Context(Chat.Conversation(1));
        await TimedTurnAsync(context);
        Assert.False(_connection.Health.Degraded);

        var traffic = Task.Run(async () =>
        {
            var slowest = TimeSpan.Zero;
            for (var i = 0; i < 40; i++)
            {
                var elapsed = await TimedTurnAsync(Chat.Context(Chat.Conversation(1, $"t{i}")));
                if (elapsed > slowest) slowest = elapsed;
            }
            return slowest;
        });
        await _redis.StopAsync();
        var slowest = await traffic;
        for (var i = 0; i < 10; i++)
        {
            var elapsed = await TimedTurnAsync(Chat.Context(Chat.Conversation(1, $"down{i}")));
            if (elapsed > slowest) slowest = elapsed;
        }

        Assert.True(slowest < MaxCallTime, $"a turn waited {slowest.TotalMilliseconds} ms for Redis");
        var health = _connection.Health;
        Assert.True(health.Degraded);
        Assert.False(health.Connected);
        Assert.Equal("redis", health.Mode);
        Assert.NotNull(health.LastError);

        // The session kept working from memory meanwhile.
        await using (var during = await _region.BeginTurnAsync(Chat.Context(Chat.Conversation(2, "down0")), CancellationToken.None))
            Assert.Equal("s-1", during.SessionId);

        await _redis.StartAsync();
        await Eventually.TrueAsync(() => !_connection.Health.Degraded, TimeSpan.FromSeconds(30), "store did not recover after Redis came back");
        var back = Chat.Context(Chat.Conversation(1, "back"));
        await TimedTurnAsync(back, "s-back");
        var raw = await _redis.CommandAsync("GET", $"{_options.KeyPrefix}:{SessionKey.Resolve(back, _options.KeyMode).Value}");
        Assert.Equal("s-back", JsonDocument.Parse(raw!).RootElement.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task A_redis_that_hangs_costs_each_turn_at_most_the_command_timeout()
    {
        var context = Chat.Context(Chat.Conversation(1, "pause"));
        await TimedTurnAsync(context);

        await _redis.CommandAsync("CLIENT", "PAUSE", "3000", "ALL");
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 5; i++)
        {
            var elapsed = await TimedTurnAsync(Chat.Context(Chat.Conversation(1, $"p{i}")));
            if (elapsed > slowest) slowest = elapsed;
        }

        Assert.True(slowest < MaxCallTime, $"a turn waited {slowest.TotalMilliseconds} ms for a paused Redis");
        Assert.True(_connection.Health.Degraded);
        await Eventually.TrueAsync(() => !_connection.Health.Degraded, TimeSpan.FromSeconds(30), "store did not recover after the pause");
    }

    [Fact]
    public async Task A_record_is_never_half_written_when_updates_time_out_or_abort_mid_flight()
    {
        var context = Chat.Context(Chat.Conversation(1, "chaos"));
        var key = $"{_options.KeyPrefix}:{SessionKey.Resolve(context, _options.KeyMode).Value}";
        using var stop = new CancellationTokenSource();
        var pauser = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                await _redis.CommandAsync("CLIENT", "PAUSE", random.Next(150, 400).ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE");
                await Task.Delay(random.Next(50, 300));
            }
        });
        var connection = await RedisStores.ConnectAsync(_redis, commandTimeoutMs: 100);
        var store = new RedisKeyValueStore(connection);
        var seen = new List<string>();
        try
        {
            var writes = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                for (var i = 0; i < 60; i++)
                {
                    using var abort = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(1, 60)));
                    var record = new SessionRecord(1, $"s-{w}-{i}", "e", i + 1, new string('h', 32), 3, 1, 1 + i, i + 1);
                    try
                    {
                        var current = await store.GetAsync(key, abort.Token);
                        await store.CompareAndSetAsync(key, current, record.ToJson() + new string(' ', random.Next(0, 20_000)), TimeSpan.FromMinutes(5), abort.Token);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or RedisUnavailableException)
                    {
                    }
                    if (!connection.IsAvailable) await Eventually.TrueAsync(() => connection.IsAvailable, TimeSpan.FromSeconds(10), "connection stuck");
                    if (await _redis.CommandAsync("GET", key) is { } raw) lock (seen) seen.Add(raw);
                }
            }));
            await Task.WhenAll(writes);
        }
        finally
        {
            await stop.CancelAsync();
            await pauser;
            await connection.DisposeAsync();
        }

        Assert.NotEmpty(seen);
        Assert.All(seen, raw => Assert.NotNull(SessionRecord.Parse(raw.TrimEnd(), out _)));
    }
}
