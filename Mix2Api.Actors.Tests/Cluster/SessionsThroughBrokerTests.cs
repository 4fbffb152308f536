using System.Net;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// Upstream sessions as a client sees them: real HTTP to a broker (its own one-node Akka cluster, sessions in the
/// "session" shard region, the embedded in-memory journal), the simulator as upstream.
/// </summary>
public sealed class SessionsThroughBrokerTests
{
    private const string History = "[对话历史]";

    private static Task<BrokerHost> StartAsync(params (string Key, string? Value)[] extra)
        => BrokerHost.StartAsync(extra.ToDictionary(e => e.Key, e => e.Value));

    [Fact]
    public async Task A_second_turn_sends_the_upstream_session_id_of_the_first()
    {
        await using var broker = await StartAsync();
        var conversation = new Conversation("What is a monad?");

        var first = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, conversation);
        var second = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, conversation.Next("A burrito.", "Really?"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Null(first.SentSessionId);
        Assert.NotNull(first.HeaderSessionId);
        Assert.Equal(first.HeaderSessionId, first.BodySessionId);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.HeaderSessionId, second.SentSessionId);
        Assert.Equal(first.HeaderSessionId, second.HeaderSessionId);
        Assert.Equal(first.HeaderSessionId, second.BodySessionId);
        Assert.DoesNotContain(History, second.UpstreamQuery);
        var third = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, conversation.Next("Yes.", "Why?"));
        Assert.Equal(first.HeaderSessionId, third.SentSessionId);
        Assert.DoesNotContain(History, third.UpstreamQuery);
    }

    [Fact]
    public async Task The_affinity_header_keeps_two_conversations_behind_one_key_apart()
    {
        await using var broker = await StartAsync();
        var sim = broker.Simulator.Simulator;
        // Same opening on purpose: only the affinity header tells them apart.
        var a = new Conversation("hello");
        var b = new Conversation("hello");
        var affinityA = new Dictionary<string, string> { ["x-session-affinity"] = "ses_opencode_A" };
        var affinityB = new Dictionary<string, string> { ["x-session-affinity"] = "ses_opencode_B" };

        var a1 = await ClusterChat.SendAsync(broker.Client, sim, a, affinityA);
        var b1 = await ClusterChat.SendAsync(broker.Client, sim, b, affinityB);
        var a2 = await ClusterChat.SendAsync(broker.Client, sim, a.Next("hi", "tell me about A"), affinityA);
        var b2 = await ClusterChat.SendAsync(broker.Client, sim, b.Next("hi", "tell me about B"), affinityB);

        Assert.Null(b1.SentSessionId);
        Assert.NotEqual(a1.HeaderSessionId, b1.HeaderSessionId);
        Assert.Equal(a1.HeaderSessionId, a2.SentSessionId);
        Assert.Equal(b1.HeaderSessionId, b2.SentSessionId);
    }

    [Fact]
    public async Task The_explicit_key_header_names_the_session_whatever_the_mode()
    {
        await using var broker = await StartAsync(("SESSION_KEY_MODE", "model"));
        var sim = broker.Simulator.Simulator;
        var header = new Dictionary<string, string> { ["x-session-key"] = "Team Key/1" };
        var conversation = new Conversation("hi");

        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation, header);
        var withHeader = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("hello", "again"), header);
        var withoutHeader = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("hello again", "and once more"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.HeaderSessionId, withHeader.SentSessionId);
        // Without the header the key is the mode's (the model): a key that has no session yet.
        Assert.Null(withoutHeader.SentSessionId);
    }

    [Theory]
    [InlineData("conversation", true)]
    [InlineData("auth_model_client", false)]
    public async Task Interleaved_conversations_on_one_gateway_key_keep_their_sessions_only_in_conversation_mode(string mode, bool keepsSession)
    {
        await using var broker = await StartAsync(("SESSION_KEY_MODE", mode));
        var sim = broker.Simulator.Simulator;
        var a = new Conversation("first chat");
        var b = new Conversation("second chat");

        var a1 = await ClusterChat.SendAsync(broker.Client, sim, a);
        await ClusterChat.SendAsync(broker.Client, sim, b);
        var a2 = await ClusterChat.SendAsync(broker.Client, sim, a.Next("ok", "go on"));

        if (keepsSession)
        {
            Assert.Equal(a1.HeaderSessionId, a2.SentSessionId);
            Assert.DoesNotContain(History, a2.UpstreamQuery);
        }
        else
        {
            // One key for both chats: B replaced A's record, so A's history no longer extends it and A starts over.
            Assert.Null(a2.SentSessionId);
            Assert.Contains(History, a2.UpstreamQuery);
        }
    }

    [Theory]
    [InlineData("model", true)]
    [InlineData("auth", false)]
    public async Task Two_inbound_keys_share_a_session_only_when_the_key_mode_ignores_auth(string mode, bool shared)
    {
        const string secondKey = "second-inbound-key";
        await using var broker = await StartAsync(("SESSION_KEY_MODE", mode), ("INBOUND_BEARER_TOKENS", secondKey));
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("shared question");

        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation);
        var second = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("answer", "more"), bearer: secondKey);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(shared ? first.HeaderSessionId : null, second.SentSessionId);
    }

    [Fact]
    public async Task An_explicit_session_id_re_attaches_when_the_store_has_no_record()
    {
        await using var broker = await StartAsync();
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("before the restart").Next("answered", "after the restart");

        var reattached = await ClusterChat.SendAsync(broker.Client, sim, conversation,
            new Dictionary<string, string> { ["x-session-id"] = "sess-from-before" });
        var next = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("yes", "and then?"));

        Assert.Equal("sess-from-before", reattached.SentSessionId);
        Assert.Equal("sess-from-before", reattached.HeaderSessionId);
        Assert.DoesNotContain(History, reattached.UpstreamQuery);
        Assert.Equal("sess-from-before", next.SentSessionId);
    }

    [Theory]
    [InlineData("new")]
    [InlineData(" NEW ")]
    public async Task Session_id_new_forces_a_fresh_upstream_session_that_carries_the_history(string value)
    {
        await using var broker = await StartAsync();
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("start here");

        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation);
        var fresh = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("started", "again please"), sessionId: value);
        var after = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("again", "and on"));

        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Null(fresh.SentSessionId);
        Assert.Contains(History, fresh.UpstreamQuery);
        Assert.NotNull(fresh.HeaderSessionId);
        Assert.NotEqual(first.HeaderSessionId, fresh.HeaderSessionId);
        Assert.Equal(fresh.HeaderSessionId, after.SentSessionId);
    }

    [Fact]
    public async Task An_edited_history_restarts_the_session_and_carries_the_history_in_the_query()
    {
        await using var broker = await StartAsync();
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("plan a trip");

        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation);
        var second = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("where to?", "to Oslo"));
        var edited = conversation.Next("Oslo it is", "book it").EditedAt(2, "to Bergen instead");
        var forked = await ClusterChat.SendAsync(broker.Client, sim, edited);

        Assert.Equal(first.HeaderSessionId, second.SentSessionId);
        Assert.Equal(HttpStatusCode.OK, forked.Status);
        Assert.Null(forked.SentSessionId);
        Assert.Contains(History, forked.UpstreamQuery);
        Assert.Contains("to Bergen instead", forked.UpstreamQuery);
        Assert.NotEqual(first.HeaderSessionId, forked.HeaderSessionId);
        var afterFork = await ClusterChat.SendAsync(broker.Client, sim, edited.Next("booked", "thanks"));
        Assert.Equal(forked.HeaderSessionId, afterFork.SentSessionId);
    }

    [Fact]
    public async Task In_memory_mode_a_turn_after_SESSION_TTL_MS_starts_a_fresh_upstream_session_and_the_old_one_is_freed()
    {
        var ttl = TimeSpan.FromMinutes(10);
        var time = new TestTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["SESSION_STORE_MODE"] = "memory",
            ["SESSION_TTL_MS"] = ((long)ttl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, time: time);
        var store = ExpiringMemoryStore.Get(broker.Services.GetRequiredService<ActorSystem>());
        var sim = broker.Simulator.Simulator;
        var conversation = new Conversation("What is a monad?");

        var first = await ClusterChat.SendAsync(broker.Client, sim, conversation);
        time.Advance(ttl - TimeSpan.FromSeconds(1));
        var second = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("A burrito.", "Really?"));
        Assert.Equal(first.HeaderSessionId, second.SentSessionId);
        Assert.Equal(1, store.Count);

        // Past the TTL of the last write and one sweep interval: the journal's sweep (on this thread, as the clock
        // moves) has dropped the session.
        time.Advance(ttl + ExpiringMemoryJournal.SweepInterval(ttl));
        Assert.Equal(0, store.Count);
        var third = await ClusterChat.SendAsync(broker.Client, sim, conversation.Next("Yes.", "Why?"));

        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Null(third.SentSessionId);
        Assert.Contains(History, third.UpstreamQuery);
        Assert.NotEqual(first.HeaderSessionId, third.HeaderSessionId);
        Assert.Equal(1, store.Count);
    }
}
