using System.Text;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Sessions;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Actors;

/// <summary>
/// One <see cref="SessionEntity"/> on a journal that stores bytes (as Redis does): what it decides, what it
/// journals, what it recovers, and how it treats stored data it cannot read.
/// </summary>
public sealed class SessionEntityTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(AkkaTestConfig.Local(), "session-entity", output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly TestTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly SessionOptions _options = new() { Ttl = TimeSpan.FromMinutes(30) };
    private readonly string _key = "test::" + Guid.NewGuid().ToString("N");

    private IActorRef Start() => Sys.ActorOf(SessionEntity.Props(_key, _options, _time, _logs.CreateFactory().CreateLogger<SessionEntity>()));

    /// <summary>Stops an incarnation and waits until it is gone, as passivation or a node loss would.</summary>
    private async Task StopAsync(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(entity, Wait);
    }

    private static BeginTurn Begin(string key, IReadOnlyList<ChatMessage> messages, string? sessionId = null)
    {
        var lastAssistant = 0;
        for (var i = messages.Count - 1; i >= 0; i--)
            if (messages[i].Role == ChatRole.Assistant) { lastAssistant = i + 1; break; }
        return new BeginTurn(key, sessionId, null, messages.Count, lastAssistant, HistoryHash.Prefixes(messages));
    }

    private TurnCompleted Completed(IReadOnlyList<ChatMessage> messages, string sessionId = "s-1")
        => new(sessionId, "e-1", HistoryHash.Of(messages, messages.Count), messages.Count, _time.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task<TurnPlan> BeginAsync(IActorRef entity, IReadOnlyList<ChatMessage> messages, string? sessionId = null)
        => await entity.Ask<TurnPlan>(Begin(_key, messages, sessionId), Wait);

    private async Task<bool> EndAsync(IActorRef entity, SessionEvent evt)
        => (await entity.Ask<TurnRecorded>(new EndTurn(_key, evt), Wait)).Written;

    [Fact]
    public async Task A_completed_turn_is_journaled_and_survives_a_new_incarnation()
    {
        var entity = Start();
        var first = Chat.Conversation(1);
        Assert.Equal(TurnKind.New, (await BeginAsync(entity, first)).Kind);
        Assert.True(await EndAsync(entity, Completed(first)));
        await StopAsync(entity);

        var again = Start();
        var plan = await BeginAsync(again, Chat.Conversation(2));

        Assert.Equal(new TurnPlan(TurnKind.Continued, "s-1", "e-1", false, first.Count, false), plan);
        Assert.Equal(1, BytesJournal.Count(SessionEntity.PersistenceIdOf(_key)));
    }

    [Fact]
    public async Task An_edited_history_forks_and_the_fork_becomes_the_session_once_completed()
    {
        var entity = Start();
        var first = Chat.Conversation(1);
        await BeginAsync(entity, first);
        await EndAsync(entity, Completed(first));
        var edited = Chat.Conversation(2, topic: "something else");

        var plan = await BeginAsync(entity, edited);
        Assert.Equal(new TurnPlan(TurnKind.Forked, null, null, true, 0, false), plan);
        await EndAsync(entity, Completed(edited, "s-2"));
        Assert.Equal("s-2", (await BeginAsync(entity, Chat.Conversation(3, topic: "something else"))).SessionId);
    }

    [Fact]
    public async Task A_session_older_than_the_ttl_since_its_last_write_is_a_fresh_session()
    {
        var entity = Start();
        var first = Chat.Conversation(1);
        await BeginAsync(entity, first);
        await EndAsync(entity, Completed(first));

        _time.Advance(_options.Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal(TurnKind.Expired, (await BeginAsync(entity, Chat.Conversation(2))).Kind);
        await StopAsync(entity);
        Assert.Equal(TurnKind.Expired, (await BeginAsync(Start(), Chat.Conversation(2))).Kind);
    }

    [Fact]
    public async Task Session_id_new_drops_the_session_for_good()
    {
        var entity = Start();
        var first = Chat.Conversation(1);
        await BeginAsync(entity, first);
        await EndAsync(entity, Completed(first));

        Assert.Equal(TurnKind.ForcedNew, (await BeginAsync(entity, Chat.Conversation(2), sessionId: "NEW")).Kind);
        await StopAsync(entity);
        Assert.Equal(TurnKind.New, (await BeginAsync(Start(), Chat.Conversation(2))).Kind);
    }

    [Fact]
    public async Task A_turn_abandoned_after_the_upstream_saw_it_makes_the_next_turn_start_over()
    {
        var entity = Start();
        var first = Chat.Conversation(1);
        await BeginAsync(entity, first);
        await EndAsync(entity, Completed(first));
        Assert.True(await EndAsync(entity, new TurnAbandoned("s-1", _time.GetUtcNow().ToUnixTimeMilliseconds())));

        Assert.Equal(TurnKind.Forked, (await BeginAsync(entity, Chat.Conversation(2))).Kind);
    }

    [Fact]
    public async Task Recovery_after_many_turns_starts_from_a_snapshot_and_keeps_the_count()
    {
        var entity = Start();
        var turns = SessionEntity.SnapshotEvery + 3;
        for (var i = 1; i <= turns; i++)
        {
            var messages = Chat.Conversation(i);
            Assert.NotEqual(TurnKind.Forked, (await BeginAsync(entity, messages)).Kind);
            Assert.True(await EndAsync(entity, Completed(messages)));
        }
        // Once the snapshot is saved the events it covers are deleted: the journal keeps the few after it.
        await AwaitAssertAsync(() => Assert.True(BytesJournal.Count(SessionEntity.PersistenceIdOf(_key)) <= turns - SessionEntity.SnapshotEvery + 1), Wait);
        await StopAsync(entity);

        var again = Start();
        var plan = await BeginAsync(again, Chat.Conversation(turns + 1));
        Assert.Equal(TurnKind.Continued, plan.Kind);
        Assert.Equal(Chat.Conversation(turns).Count, plan.SeenMessageCount);
    }

    public static TheoryData<string, string> Unreadable => new()
    {
        { """{"schemaVersion":99,"sessionId":"s-1","exchangeId":null,"historyHash":"x","seenMessages":2,"at":5}""", "unsupported_schema_version:99" },
        { """{"sessionId":"s-1","historyHash":"x","seenMessages":2,"at":5}""", "unsupported_schema_version:none" },
        { "{not json at all", "invalid_json" },
        { """{"schemaVersion":1,"sessionId":"s-1","historyHash":"x","seenMessages":"two","at":5}""", "invalid_json" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_stored_event_that_cannot_be_read_is_a_logged_miss_and_the_session_starts_over(string stored, string reason)
    {
        var first = Chat.Conversation(1);
        var valid = Encoding.UTF8.GetBytes($$"""{"schemaVersion":1,"sessionId":"s-1","exchangeId":"e-1","historyHash":"{{HistoryHash.Of(first, first.Count)}}","seenMessages":{{first.Count}},"at":{{_time.GetUtcNow().ToUnixTimeMilliseconds()}}}""");
        var id = SessionEntity.PersistenceIdOf(_key);
        BytesJournal.Plant(id, 1, 4101, "turn-completed", valid);
        BytesJournal.Plant(id, 2, 4101, "turn-completed", Encoding.UTF8.GetBytes(stored));

        var entity = Start();
        var plan = await BeginAsync(entity, Chat.Conversation(2));

        Assert.Equal(TurnKind.New, plan.Kind);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 4101 && e.Message.Contains(reason, StringComparison.Ordinal));
        // The entity lives on and journals the next turn normally.
        var second = Chat.Conversation(2);
        Assert.True(await EndAsync(entity, Completed(second, "s-9")));
        Assert.Equal("s-9", (await BeginAsync(entity, Chat.Conversation(3))).SessionId);
    }

    [Fact]
    public async Task A_field_added_by_a_newer_node_is_ignored()
    {
        var first = Chat.Conversation(1);
        var newer = Encoding.UTF8.GetBytes($$"""{"schemaVersion":1,"sessionId":"s-1","exchangeId":"e-1","historyHash":"{{HistoryHash.Of(first, first.Count)}}","seenMessages":{{first.Count}},"at":{{_time.GetUtcNow().ToUnixTimeMilliseconds()}},"addedLater":[1,2]}""");
        BytesJournal.Plant(SessionEntity.PersistenceIdOf(_key), 1, 4101, "turn-completed", newer);

        var plan = await BeginAsync(Start(), Chat.Conversation(2));

        Assert.Equal(new TurnPlan(TurnKind.Continued, "s-1", "e-1", false, first.Count, false), plan);
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Id == 4101);
    }
}
