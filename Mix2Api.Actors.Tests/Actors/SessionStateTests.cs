using Mix2Api.Actors.Sessions;

namespace Mix2Api.Tests.Actors;

/// <summary>The pure session logic, without store or clock.</summary>
public sealed class SessionStateTests
{
    private const long Ttl = 1_800_000;
    private static readonly SessionState Stored = new(1, "s-1", "e-1", 3, "hash-4", 4, 1_000, 10_000);

    private static (SessionState? State, SessionState.BeginInput Input) Input(SessionState? state = null, string? sessionId = null, string? exchangeId = null,
        int count = 6, string? prefix = "hash-4", long now = 20_000)
        => (state, new(sessionId, exchangeId, count, prefix, count - 1, now, Ttl));

    private static TurnPlan Decide((SessionState? State, SessionState.BeginInput Input) x) => SessionState.Decide(x.State, x.Input);

    [Fact]
    public void Decide_WithMatchingHistory_ContinuesTheStoredSession()
        => Assert.Equal(new TurnPlan(TurnKind.Continued, "s-1", "e-1", false, 4, false), Decide(Input(Stored)));

    [Fact]
    public void Decide_WithChangedHistory_Forks()
        => Assert.Equal(TurnKind.Forked, Decide(Input(Stored, prefix: "other")).Kind);

    [Fact]
    public void Decide_WithTheSameHistoryLength_ForksBecauseItIsARegenerate()
        => Assert.Equal(TurnKind.Forked, Decide(Input(Stored, count: 4)).Kind);

    [Fact]
    public void Decide_AfterAnAbandonedTurn_Forks()
        => Assert.Equal(TurnKind.Forked, Decide(Input(Stored with { HistoryHash = null })).Kind);

    [Fact]
    public void Decide_AfterTheTtl_IsExpired()
    {
        var plan = Decide(Input(Stored, now: 10_000 + Ttl + 1));
        Assert.Equal(new TurnPlan(TurnKind.Expired, null, null, true, 0, false), plan);
    }

    [Fact]
    public void Decide_WithNewSessionId_DropsTheRecord()
        => Assert.Equal(new TurnPlan(TurnKind.ForcedNew, null, null, true, 0, true), Decide(Input(Stored, sessionId: "New")));

    [Fact]
    public void Decide_WithAnUnknownExplicitId_ReattachesWithoutCarryingHistory()
        => Assert.Equal(new TurnPlan(TurnKind.Reattached, "s-9", "e-9", false, 5, false), Decide(Input(null, "s-9", "e-9")));

    [Fact]
    public void Decide_WithADifferentExplicitId_LetsTheClientWin()
        => Assert.Equal(new TurnPlan(TurnKind.Explicit, "s-9", null, false, 5, false), Decide(Input(Stored, "s-9")));

    [Fact]
    public void Decide_WithTheStoredExplicitId_FillsTheExchangeFromTheStore()
        => Assert.Equal(new TurnPlan(TurnKind.Explicit, "s-1", "e-1", false, 4, false), Decide(Input(Stored, "s-1")));

    [Fact]
    public void Apply_SameSession_CountsTheTurn()
    {
        var next = SessionState.Apply(Stored, new TurnCompleted("s-1", null, "hash-6", 6, 30_000))!;
        Assert.Equal(Stored with { TurnCount = 4, HistoryHash = "hash-6", SeenMessages = 6, UpdatedAt = 30_000 }, next);
    }

    [Fact]
    public void Apply_OtherSession_StartsCountingAgain()
    {
        var next = SessionState.Apply(Stored, new TurnCompleted("s-2", "e-2", "hash-2", 2, 30_000))!;
        Assert.Equal(new SessionState(1, "s-2", "e-2", 1, "hash-2", 2, 30_000, 30_000), next);
    }

    [Fact]
    public void Apply_WithoutSessionId_WritesNothing()
        => Assert.Same(Stored, SessionState.Apply(Stored, new TurnCompleted(null, "e", "h", 1, 1)));

    [Fact]
    public void Apply_AbandonedTurn_ForgetsWhatTheUpstreamHasSeen()
    {
        var next = SessionState.Apply(Stored, new TurnAbandoned("s-1", 40_000))!;
        Assert.Null(next.HistoryHash);
        Assert.Equal(40_000, next.UpdatedAt);
        Assert.Same(Stored, SessionState.Apply(Stored, new TurnAbandoned("s-other", 40_000)));
    }

    [Fact]
    public void Apply_ResetOrMiss_ForgetsTheSession()
    {
        Assert.Null(SessionState.Apply(Stored, new SessionReset(50_000)));
        Assert.Null(SessionState.Apply(Stored, new SessionMissed("invalid_json")));
    }

    [Fact]
    public void Expiry_CountsFromTheLastWrite()
    {
        Assert.False(Stored.IsExpired(Stored.UpdatedAt + Ttl, Ttl));
        Assert.True(Stored.IsExpired(Stored.UpdatedAt + Ttl + 1, Ttl));
    }
}
