using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// Redis going away makes journal and snapshot calls fail within the command timeout instead of hanging, and the
/// status says so; when Redis is back, writes work again. The circuit breaker's call timeout is raised to 60 s here,
/// so a reply within the bound below can only come from the plugin's own command timeout.
/// </summary>
public sealed class RedisPersistenceOutageSpec : TestKit, IClassFixture<RedisServerFixture>
{
    private const string LongBreaker = """
        akka.persistence.journal.redis.circuit-breaker.call-timeout = 60s
        akka.persistence.snapshot-store.redis.circuit-breaker.call-timeout = 60s
        """;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FailsBefore = TimeSpan.FromSeconds(15);
    private readonly RedisServerFixture _redis;
    private readonly ITestOutputHelper _output;

    public RedisPersistenceOutageSpec(RedisServerFixture redis, ITestOutputHelper output)
        : base(RedisPersistenceTestConfig.For(RedisPersistenceTestConfig.Settings(redis, commandTimeoutMs: (int)CommandTimeout.TotalMilliseconds), LongBreaker), output: output)
    {
        _redis = redis;
        _output = output;
    }

    [Fact]
    public async Task Writes_fail_fast_while_Redis_is_down_and_work_again_when_it_is_back()
    {
        var journal = RedisPersistenceTestConfig.Journal(Sys);
        var store = RedisPersistenceTestConfig.SnapshotStore(Sys);
        var probe = CreateTestProbe();
        var status = RedisPersistenceStatus.Get(Sys);
        var pid = RedisPersistenceTestConfig.NewPersistenceId();
        await WriteAsync(journal, probe, pid, 1);
        await Eventually.TrueAsync(() => status.Connected, TimeSpan.FromSeconds(10), "the Redis plugins never reported a connection");

        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));
        await _redis.StopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await WriteExpectingFailureAsync(journal, probe, pid, 2);
            _output.WriteLine($"write failed {clock.ElapsedMilliseconds} ms after the kill");
            store.Tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
            var loadFailed = await probe.ExpectMsgAsync<LoadSnapshotFailed>(FailsBefore);
            Assert.IsType<RedisPersistenceUnavailableException>(loadFailed.Cause);
            await Eventually.TrueAsync(() => !status.Connected, TimeSpan.FromSeconds(10), "the status still says connected");
            Assert.NotNull(status.LastError);
            Assert.NotNull(status.LastErrorAt);
            await warnings.FishForMessageAsync<Akka.Event.Warning>(w => w.Message.ToString()!.Contains("Redis persistence connection down", StringComparison.Ordinal), FailsBefore);
        }
        finally
        {
            await _redis.StartAsync();
        }

        clock.Restart();
        await Eventually.TrueAsync(() => status.Connected, TimeSpan.FromSeconds(30), "the Redis plugins did not reconnect");
        _output.WriteLine($"reconnected {clock.ElapsedMilliseconds} ms after the restart");
        // The restarted server is empty (no persistence in the fixture): a new id starts at 1.
        await WriteAsync(journal, probe, RedisPersistenceTestConfig.NewPersistenceId(), 1);
    }

    [Fact]
    public async Task A_write_to_a_Redis_that_does_not_answer_fails_after_the_command_timeout()
    {
        var journal = RedisPersistenceTestConfig.Journal(Sys);
        var probe = CreateTestProbe();
        var pid = RedisPersistenceTestConfig.NewPersistenceId();
        await WriteAsync(journal, probe, pid, 1);

        // A script that spins for 4 s blocks the whole server (a pause, like a stalled host), under lua-time-limit.
        var pause = _redis.CommandAsync("EVAL", "local s = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) < s + 4 do end return 1", "0");
        await Eventually.TrueAsync(async () =>
        {
            var ping = _redis.CommandAsync("PING");
            return await Task.WhenAny(ping, Task.Delay(300)) != ping;
        }, TimeSpan.FromSeconds(10), "the server never stopped answering");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await WriteExpectingFailureAsync(journal, probe, pid, 2);
        _output.WriteLine($"write failed {clock.ElapsedMilliseconds} ms into the pause (command timeout {CommandTimeout.TotalMilliseconds} ms)");
        Assert.Contains("no answer within", RedisPersistenceStatus.Get(Sys).LastError);
        await pause;
    }

    [Fact]
    public async Task With_nothing_listening_the_status_says_disconnected_and_writes_fail_fast()
    {
        var settings = new RedisPersistenceSettings($"redis://127.0.0.1:{UnusedPort()}")
        {
            CommandTimeout = CommandTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var system = ActorSystem.Create("no-redis", RedisPersistenceTestConfig.For(settings, LongBreaker));
        try
        {
            var probe = CreateTestProbe(system);
            var journal = RedisPersistenceTestConfig.Journal(system);
            var status = RedisPersistenceStatus.Get(system);

            await WriteExpectingFailureAsync(journal, probe, RedisPersistenceTestConfig.NewPersistenceId(), 1);

            Assert.True(status.Enabled);
            Assert.False(status.Connected);
            Assert.NotNull(status.LastError);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task The_last_error_never_contains_the_password()
    {
        const string password = "s3cr3t-pa55";
        var settings = new RedisPersistenceSettings($"redis://user:{password}@127.0.0.1:{UnusedPort()}")
        {
            CommandTimeout = CommandTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var system = ActorSystem.Create("no-redis-password", RedisPersistenceTestConfig.For(settings, LongBreaker));
        try
        {
            var probe = CreateTestProbe(system);
            RedisPersistenceTestConfig.Journal(system).Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "x", probe.Ref));
            var failure = await probe.ExpectMsgAsync<ReplayMessagesFailure>(FailsBefore);
            var status = RedisPersistenceStatus.Get(system);
            Assert.NotNull(status.LastError);
            Assert.DoesNotContain(password, status.LastError);
            Assert.DoesNotContain(password, failure.Cause.ToString());
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task WriteAsync(IActorRef journal, TestProbe probe, string pid, long sequenceNr)
    {
        journal.Tell(Write(pid, sequenceNr, probe.Ref));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(FailsBefore);
        await probe.ExpectMsgAsync<WriteMessageSuccess>(FailsBefore);
    }

    private static async Task WriteExpectingFailureAsync(IActorRef journal, TestProbe probe, string pid, long sequenceNr)
    {
        journal.Tell(Write(pid, sequenceNr, probe.Ref));
        var failed = await probe.ExpectMsgAsync<WriteMessagesFailed>(FailsBefore);
        Assert.IsType<RedisPersistenceUnavailableException>(failed.Cause);
        await probe.ExpectMsgAsync<WriteMessageFailure>(FailsBefore);
    }

    private static WriteMessages Write(string pid, long sequenceNr, IActorRef replyTo) => new(
        [new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(new Persistent($"e-{sequenceNr}", sequenceNr, pid, "", false, ActorRefs.NoSender, "writer")))],
        replyTo, 1);

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
