using System.Text.Json;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.State;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The session region against a real redis-server.</summary>
public sealed class SessionRegionTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly TestTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly SessionOptions _options;
    private RedisConnection _connection = null!;
    private SessionRegion _region = null!;

    public SessionRegionTests(RedisServerFixture redis)
    {
        _redis = redis;
        _options = new SessionOptions { KeyPrefix = $"t{Guid.NewGuid():N}:session" };
    }

    public async Task InitializeAsync()
    {
        _connection = await RedisStores.ConnectAsync(_redis);
        _region = NewRegion(_connection);
    }

    public async Task DisposeAsync()
    {
        await _region.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private SessionRegion NewRegion(RedisConnection connection, SessionOptions? options = null)
        => new(RedisStores.Resilient(connection, _time), options ?? _options, _time, _logs.CreateFactory());

    private async Task<TurnPlanView> TurnAsync(SessionContext context, string? upstreamSession = "s-1", string? upstreamExchange = "e-1", SessionRegion? region = null)
    {
        await using var turn = await (region ?? _region).BeginTurnAsync(context, CancellationToken.None);
        var view = new TurnPlanView(turn.SessionId, turn.ExchangeId, turn.CarryHistory, turn.SeenMessageCount);
        turn.OnUpstreamIds(upstreamSession, upstreamExchange);
        await turn.CompleteAsync(CancellationToken.None);
        return view;
    }

    private sealed record TurnPlanView(string? SessionId, string? ExchangeId, bool CarryHistory, int Seen);

    private async Task<JsonElement?> StoredAsync(SessionContext context)
    {
        var raw = await _redis.CommandAsync("GET", $"{_options.KeyPrefix}:{SessionKey.Resolve(context, _options.KeyMode).Value}");
        return raw is null ? null : JsonDocument.Parse(raw).RootElement.Clone();
    }

    [Fact]
    public async Task A_continued_conversation_reuses_the_upstream_session_and_sends_only_new_messages()
    {
        var first = await TurnAsync(Chat.Context(Chat.Conversation(1)));
        var second = await TurnAsync(Chat.Context(Chat.Conversation(2)));

        Assert.Equal(new TurnPlanView(null, null, true, 0), first);
        Assert.Equal(new TurnPlanView("s-1", "e-1", false, 2), second);
        var stored = await StoredAsync(Chat.Context(Chat.Conversation(2)));
        Assert.Equal(2, stored!.Value.GetProperty("turnCount").GetInt32());
        Assert.Equal(1, stored.Value.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(2, stored.Value.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Two_conversations_behind_one_gateway_key_never_share_a_session_in_conversation_mode()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1, "cats")), upstreamSession: "s-cats");
        var dogs = await TurnAsync(Chat.Context(Chat.Conversation(2, "dogs")), upstreamSession: "s-dogs");
        var cats = await TurnAsync(Chat.Context(Chat.Conversation(2, "cats")));

        Assert.Null(dogs.SessionId);
        Assert.Equal("s-cats", cats.SessionId);
    }

    [Fact]
    public async Task Auth_model_client_mode_shares_one_session_per_caller_and_model()
    {
        await using var region = NewRegion(_connection, _options with { KeyMode = "auth_model_client" });
        await TurnAsync(Chat.Context(Chat.Conversation(1, "cats")), upstreamSession: "s-shared", region: region);
        var other = await TurnAsync(Chat.Context(Chat.Conversation(1, "dogs")), region: region);

        Assert.True(other.CarryHistory); // a different history forks even when the key is shared
        var again = await TurnAsync(Chat.Context(Chat.Conversation(2, "dogs")), region: region);
        Assert.Equal("s-1", again.SessionId);
    }

    [Fact]
    public async Task The_affinity_header_names_the_conversation_even_when_the_opening_changes()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1, "cats"), affinity: "ses_ABC"), upstreamSession: "s-aff");
        var next = Chat.Conversation(1, "cats");
        next.Add(Chat.Assistant("answer 1 about cats"));
        next.Add(Chat.User("more"));
        var plan = await TurnAsync(Chat.Context(next, affinity: "ses_ABC"));

        Assert.Equal("s-aff", plan.SessionId);
        Assert.StartsWith("authfp000001::mix_qwen-3::affinity:ses_abc", SessionKey.Resolve(Chat.Context(next, affinity: "ses_ABC"), "conversation").Value);
    }

    [Fact]
    public async Task An_explicit_session_id_is_honoured_when_the_store_has_no_record()
    {
        var plan = await TurnAsync(Chat.Context(Chat.Conversation(3), sessionId: "s-remembered", exchangeId: "e-9"), upstreamSession: null, upstreamExchange: null);

        Assert.Equal(new TurnPlanView("s-remembered", "e-9", false, 5), plan);
        Assert.Equal("s-remembered", (await StoredAsync(Chat.Context(Chat.Conversation(3))))!.Value.GetProperty("sessionId").GetString());
    }

    [Theory]
    [InlineData("new")]
    [InlineData("NEW")]
    [InlineData(" New ")]
    public async Task Session_id_new_in_any_case_forces_a_fresh_session(string marker)
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1)), upstreamSession: "s-old");
        await using var turn = await _region.BeginTurnAsync(Chat.Context(Chat.Conversation(2), sessionId: marker), CancellationToken.None);

        Assert.Null(turn.SessionId);
        Assert.True(turn.CarryHistory);
        Assert.Null(await StoredAsync(Chat.Context(Chat.Conversation(2))));
    }

    [Fact]
    public async Task A_record_older_than_the_ttl_starts_a_new_session()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1)));
        _time.Advance(_options.Ttl + TimeSpan.FromSeconds(1));
        var plan = await TurnAsync(Chat.Context(Chat.Conversation(2)), upstreamSession: "s-2");

        Assert.Null(plan.SessionId);
        Assert.True(plan.CarryHistory);
        Assert.Equal(1, (await StoredAsync(Chat.Context(Chat.Conversation(2))))!.Value.GetProperty("turnCount").GetInt32());
    }

    [Theory]
    [InlineData("""{"schemaVersion":999,"sessionId":"s-future","turnCount":3,"createdAt":1,"updatedAt":1,"version":4}""", "unsupported_schema_version:999")]
    [InlineData("""{"schemaVersion":1,"sessionId":"s-x","turnC""", "invalid_json")]
    [InlineData("""["not","an","object"]""", "invalid_type")]
    [InlineData("""{"schemaVersion":1,"turnCount":1,"createdAt":1,"updatedAt":1,"version":1}""", "missing_session_id")]
    public async Task An_unknown_or_corrupt_record_is_a_miss_that_is_logged_and_rewritten(string seeded, string reason)
    {
        var context = Chat.Context(Chat.Conversation(2));
        await _redis.CommandAsync("SET", $"{_options.KeyPrefix}:{SessionKey.Resolve(context, _options.KeyMode).Value}", seeded);

        var plan = await TurnAsync(context, upstreamSession: "s-fresh");

        Assert.Null(plan.SessionId);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 4101 && e.Message.Contains(reason, StringComparison.Ordinal));
        var stored = await StoredAsync(context);
        Assert.Equal(1, stored!.Value.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("s-fresh", stored.Value.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task An_edited_history_forks_the_session_and_carries_the_history()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(2)));
        var edited = Chat.Conversation(3);
        edited[3] = Chat.User("question 2, edited");

        var plan = await TurnAsync(Chat.Context(edited), upstreamSession: "s-forked");

        Assert.Equal(new TurnPlanView(null, null, true, 0), plan);
        Assert.Equal("s-forked", (await StoredAsync(Chat.Context(edited)))!.Value.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task A_regenerated_answer_resending_the_same_history_forks_the_session()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(2)));
        var plan = await TurnAsync(Chat.Context(Chat.Conversation(2)));

        Assert.True(plan.CarryHistory);
        Assert.Null(plan.SessionId);
    }

    [Fact]
    public async Task A_turn_abandoned_after_the_upstream_saw_it_makes_the_next_turn_start_over()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1)));
        await using (var aborted = await _region.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None))
        {
            aborted.OnUpstreamIds("s-1", "e-2");
        }
        var plan = await TurnAsync(Chat.Context(Chat.Conversation(3)));

        Assert.True(plan.CarryHistory);
    }

    [Fact]
    public async Task The_exchange_id_becomes_the_session_id_only_when_configured()
    {
        await using var region = NewRegion(_connection, _options with { IdFallbackToExchange = true, KeyPrefix = _options.KeyPrefix + "x" });
        await TurnAsync(Chat.Context(Chat.Conversation(1)), upstreamSession: null, upstreamExchange: "e-only", region: region);
        var fallback = await TurnAsync(Chat.Context(Chat.Conversation(2)), region: region);
        await TurnAsync(Chat.Context(Chat.Conversation(1, "other")), upstreamSession: null, upstreamExchange: "e-only");
        var strict = await TurnAsync(Chat.Context(Chat.Conversation(2, "other")));

        Assert.Equal("e-only", fallback.SessionId);
        Assert.Null(strict.SessionId);
    }

    [Fact]
    public async Task Twenty_concurrent_turns_on_one_key_across_two_regions_count_exactly_twenty()
    {
        await using var secondConnection = await RedisStores.ConnectAsync(_redis);
        await using var second = NewRegion(secondConnection);
        var context = Chat.Context(Chat.Conversation(1));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => TurnAsync(context, region: i % 2 == 0 ? _region : second))));

        var stored = await StoredAsync(context);
        Assert.Equal(20, stored!.Value.GetProperty("turnCount").GetInt32());
        Assert.Equal(20, stored.Value.GetProperty("version").GetInt64());
        Assert.True(_connection.IsAvailable && secondConnection.IsAvailable, "the race must not have degraded the store");
    }

    [Fact]
    public async Task An_idle_entity_passivates_and_a_later_turn_reactivates_it_from_the_store()
    {
        await TurnAsync(Chat.Context(Chat.Conversation(1)));
        Assert.Single(_region.ActiveEntities());

        _time.Advance(_options.EntityIdleTimeout);
        _time.Advance(_options.EntityIdleTimeout);
        await Eventually.TrueAsync(() => _region.ActiveEntities().Count == 0, TimeSpan.FromSeconds(5), "entity did not passivate");

        var plan = await TurnAsync(Chat.Context(Chat.Conversation(2)));
        Assert.Equal("s-1", plan.SessionId);
    }
}
