using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Hosting;
using Mix2Api.Actors.Sessions;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// The "session" shard region on real Akka clusters in this process: two actor systems joined over loopback
/// remoting (a key owned by the other node answers through the local region), and idle passivation.
/// </summary>
public sealed class SessionShardingTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly int PortA = FreePort.Next();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly SessionOptions _options = new() { AskTimeout = TimeSpan.FromSeconds(10) };

    public SessionShardingTests(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.cluster.sharding.passivate-idle-entity-after = 1s")
            .WithFallback(AkkaTestConfig.ClusterNode(PortA, "stable", AkkaTestConfig.SeedOf(PortA))), ClusterNodeOptions.SystemName, output)
    {
    }

    private IActorRef StartRegion(ActorSystem system)
    {
        var log = _logs.CreateFactory().CreateLogger<SessionEntity>();
        return ClusterSharding.Get(system).Start(ActorsAkkaSetup.SessionRegionName,
            key => SessionEntity.Props(key, _options, TimeProvider.System, log),
            ClusterShardingSettings.Create(system), new SessionMessageExtractor());
    }

    private SessionRegion Region(IActorRef shardRegion) => new(shardRegion, _options, TimeProvider.System, _logs.CreateFactory().CreateLogger<SessionRegion>());

    private async Task<ISessionTurn> CompletedTurnAsync(SessionRegion region, SessionContext context, string upstreamSession)
    {
        var turn = await region.BeginTurnAsync(context, CancellationToken.None);
        turn.OnUpstreamIds(upstreamSession, null);
        await turn.CompleteAsync(CancellationToken.None);
        await turn.DisposeAsync();
        return turn;
    }

    private static async Task<HashSet<string>> EntitiesAsync(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return [.. state.Shards.SelectMany(s => s.EntityIds)];
    }

    [Fact]
    public async Task A_key_owned_by_the_other_node_answers_through_the_local_region_and_keeps_its_session()
    {
        var a = Sys;
        using var b = ActorSystem.Create(ClusterNodeOptions.SystemName,
            AkkaTestConfig.ClusterNode(FreePort.Next(), "canary", AkkaTestConfig.SeedOf(PortA)));
        var regionA = StartRegion(a);
        var regionB = StartRegion(b);
        await AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(a).State.Members.Count(m => m.Status == MemberStatus.Up) == 2
            && Akka.Cluster.Cluster.Get(b).State.Members.Count(m => m.Status == MemberStatus.Up) == 2), Wait);

        // Open sessions for enough keys that the coordinator places some of their shards on B.
        var sessionsA = Region(regionA);
        var contexts = Enumerable.Range(0, 30).Select(i => Chat.Context(Chat.Conversation(1), affinity: $"conv-{i}")).ToList();
        for (var i = 0; i < contexts.Count; i++) await CompletedTurnAsync(sessionsA, contexts[i], $"s-{i}");
        var onB = await EntitiesAsync(regionB);
        var remote = contexts.Select((c, i) => (Context: c, Index: i, Key: SessionKey.Resolve(c, _options.KeyMode).Value))
            .First(x => onB.Contains(x.Key));

        var next = Chat.Context(Chat.Conversation(2), affinity: $"conv-{remote.Index}");
        await using var throughA = await sessionsA.BeginTurnAsync(next, CancellationToken.None);
        await using var throughB = await Region(regionB).BeginTurnAsync(next, CancellationToken.None);

        Assert.Equal($"s-{remote.Index}", throughA.SessionId);
        Assert.False(throughA.CarryHistory);
        Assert.Equal($"s-{remote.Index}", throughB.SessionId);
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Id == 4105);
        await b.Terminate();
    }

    [Fact]
    public async Task An_idle_entity_is_passivated_and_the_next_turn_recovers_it_from_the_journal()
    {
        var region = StartRegion(Sys);
        var sessions = Region(region);
        var context = Chat.Context(Chat.Conversation(1), affinity: "idle-" + Guid.NewGuid().ToString("N"));
        var key = SessionKey.Resolve(context, _options.KeyMode).Value;
        await AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), Wait);

        await CompletedTurnAsync(sessions, context, "s-idle");
        Assert.Contains(key, await EntitiesAsync(region));
        await AwaitConditionAsync(async () => !(await EntitiesAsync(region)).Contains(key), Wait);

        await using var turn = await sessions.BeginTurnAsync(Chat.Context(Chat.Conversation(2), affinity: context.AffinityKey), CancellationToken.None);
        Assert.Equal("s-idle", turn.SessionId);
    }

    [Fact]
    public async Task An_entity_that_does_not_answer_in_time_gives_a_turn_without_session_and_is_logged()
    {
        var silent = CreateTestProbe();
        var sessions = new SessionRegion(silent.Ref, _options with { AskTimeout = TimeSpan.FromMilliseconds(200) }, TimeProvider.System,
            _logs.CreateFactory().CreateLogger<SessionRegion>());

        await using var turn = await sessions.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None);
        await silent.ExpectMsgAsync<BeginTurn>(Wait);

        Assert.Null(turn.SessionId);
        Assert.True(turn.CarryHistory);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 4105 && e.Message.Contains("begin", StringComparison.Ordinal));
        turn.OnUpstreamIds("s-1", null);
        await turn.CompleteAsync(CancellationToken.None); // nothing to journal, nothing thrown
    }
}
