using System.Net;
using System.Text.Json;
using Mix2Api.Actors.Sessions;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>Upstream sessions as a client sees them: real HTTP to a broker on real Redis, the simulator as upstream.</summary>
public sealed class SessionsThroughBrokerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string History = "[对话历史]";
    private static readonly string AuthFp = Fingerprint.Of(BrokerHost.InboundToken);
    private static readonly string ModelPart = SessionKey.Sanitize(ClusterChat.Model, "_default");
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    private Task<BrokerHost> StartAsync(params (string, string?)[] extra) => RedisBrokers.StartAsync(RedisBrokers.Settings(redis, _prefix, extra));

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
        var (_, record) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
        Assert.Equal(2, record.GetProperty("turnCount").GetInt32());
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
        Assert.Equal(2, (await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session")).Length);
    }

    public static TheoryData<string, string> KeyModes => new()
    {
        { "model", ModelPart },
        { "auth", $"{AuthFp}::{ModelPart}" },
        { "auth_model", $"{AuthFp}::{ModelPart}" },
        { "auth_model_client", $"{AuthFp}::{ModelPart}::opencode" },
        { "conversation", $"{AuthFp}::{ModelPart}::opencode::conv:" },
    };

    [Theory]
    [MemberData(nameof(KeyModes))]
    public async Task Each_SESSION_KEY_MODE_stores_the_session_under_its_documented_key(string mode, string expectedKey)
    {
        await using var broker = await StartAsync(("SESSION_KEY_MODE", mode));
        var reply = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, new Conversation("which key?"),
            new Dictionary<string, string> { ["user-agent"] = "opencode/0.15.0" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var (key, record) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
        var stored = key[(_prefix + ":session:").Length..];
        if (mode == "conversation") Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(expectedKey) + "[0-9a-f]{12}$", stored);
        else Assert.Equal(expectedKey, stored);
        Assert.Equal(reply.HeaderSessionId, record.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task The_explicit_key_header_names_the_session_whatever_the_mode()
    {
        await using var broker = await StartAsync(("SESSION_KEY_MODE", "model"));
        var reply = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, new Conversation("hi"),
            new Dictionary<string, string> { ["x-session-key"] = "Team Key/1" });

        var (key, _) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal($"{_prefix}:session:team_key_1::{ModelPart}", key);
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
        var (_, record) = Assert.Single(await ClusterChat.SessionRecordsAsync(redis, _prefix + ":session"));
        Assert.Equal(forked.HeaderSessionId, record.GetProperty("sessionId").GetString());
        Assert.Equal(1, record.GetProperty("turnCount").GetInt32());
    }

    [Fact]
    public async Task An_unknown_schemaVersion_in_Redis_is_a_miss_and_the_record_is_rewritten()
    {
        // Digest test 64: the Node adapter's key for an OpenCode client in auth_model_client mode.
        await using var broker = await StartAsync(("SESSION_KEY_MODE", "auth_model_client"));
        var key = $"{_prefix}:session:{AuthFp}::{ModelPart}::opencode";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await redis.CommandAsync("SET", key,
            $$"""{"schemaVersion":999,"sessionId":"sess-corrupted","exchangeId":"ex-corrupted","turnCount":3,"historyHash":null,"historyCount":0,"createdAt":{{now}},"updatedAt":{{now}},"version":7}""",
            "PX", "60000");

        var reply = await ClusterChat.SendAsync(broker.Client, broker.Simulator.Simulator, new Conversation("hi").Next("hello", "again"),
            new Dictionary<string, string> { ["user-agent"] = "opencode/0.15.0" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Null(reply.SentSessionId);
        Assert.False(reply.Upstream!.Body!.Value.TryGetProperty("exchange_id", out _));
        using var rewritten = JsonDocument.Parse((await redis.CommandAsync("GET", key))!);
        Assert.Equal(1, rewritten.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(reply.HeaderSessionId, rewritten.RootElement.GetProperty("sessionId").GetString());
        Assert.NotEqual("sess-corrupted", reply.HeaderSessionId);
    }
}
