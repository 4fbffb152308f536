using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Mix2Api.Actors.Persistence;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// Two ActorSystems that share Redis but are not in one cluster, both running the same persistent actor: the one
/// whose view is stale is refused, stops, and on its next start sees what the other wrote; nothing is interleaved.
/// </summary>
public sealed class RedisSplitBrainSpec : TestKit, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);
    private readonly ActorSystem _nodeA;

    public RedisSplitBrainSpec(RedisServerFixture redis, ITestOutputHelper output)
        : this(RedisPersistenceTestConfig.For(RedisPersistenceTestConfig.Settings(redis)), output)
    {
    }

    private RedisSplitBrainSpec(Akka.Configuration.Config config, ITestOutputHelper output)
        : base(config, "node-b", output)
    {
        _nodeA = ActorSystem.Create("node-a", config);
    }

    [Fact]
    public async Task The_stale_writer_is_refused_counted_and_recovers_the_other_writers_events()
    {
        var pid = RedisPersistenceTestConfig.NewPersistenceId();
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        var onA = _nodeA.ActorOf(EventLogActor.Props(pid));
        await AppendAsync(onA, "a1");
        await AppendAsync(onA, "a2");

        var onB = Sys.ActorOf(EventLogActor.Props(pid));
        Assert.Equal(["a1", "a2"], (await onB.Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max)).Items);

        // Node A moves on; node B still believes the id ends at 2.
        await AppendAsync(onA, "a3");
        Watch(onB);
        onB.Tell(new EventLogActor.Append("b3"));
        await ExpectTerminatedAsync(onB, Max);

        var status = RedisPersistenceStatus.Get(Sys);
        Assert.Equal(1, status.SequenceConflicts);
        Assert.NotNull(status.LastConflictAt);
        Assert.Equal(0, RedisPersistenceStatus.Get(_nodeA).SequenceConflicts);
        var warning = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("sequence conflict", StringComparison.Ordinal), Max);
        var text = warning.Message.ToString()!;
        Assert.Contains(Fingerprint.Of(pid), text);
        Assert.DoesNotContain(pid, text);

        // The refused event is nowhere; node B's next incarnation continues from node A's events.
        var again = Sys.ActorOf(EventLogActor.Props(pid));
        var events = await again.Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);
        Assert.Equal(["a1", "a2", "a3"], events.Items);
        Assert.Equal(3, events.SequenceNr);
        await AppendAsync(again, "b4");
        Assert.Equal(["a1", "a2", "a3", "b4"], (await _nodeA.ActorOf(EventLogActor.Props(pid)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max)).Items);
    }

    [Fact]
    public async Task Two_fresh_writers_of_the_same_id_cannot_both_write_the_first_event()
    {
        var pid = RedisPersistenceTestConfig.NewPersistenceId();
        var onA = _nodeA.ActorOf(EventLogActor.Props(pid));
        var onB = Sys.ActorOf(EventLogActor.Props(pid));
        // Both recovered an empty id before either writes.
        await onA.Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);
        await onB.Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);

        await AppendAsync(onA, "a1");
        Watch(onB);
        onB.Tell(new EventLogActor.Append("b1"));
        await ExpectTerminatedAsync(onB, Max);

        Assert.Equal(1, RedisPersistenceStatus.Get(Sys).SequenceConflicts);
        Assert.Equal(["a1"], (await Sys.ActorOf(EventLogActor.Props(pid)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max)).Items);
    }

    private static async Task AppendAsync(IActorRef actor, string text)
    {
        var appended = await actor.Ask<EventLogActor.Appended>(new EventLogActor.Append(text), Max);
        Assert.Equal(text, appended.Text);
    }

    protected override void AfterAll()
    {
        _nodeA.Terminate().Wait(Max);
        base.AfterAll();
    }
}
