namespace Mix2Api.Actors.Sessions;

/// <summary>
/// One session as its <see cref="SessionEntity"/> knows it. Times are epoch milliseconds. <see cref="HistoryHash"/>
/// covers the first <see cref="SeenMessages"/> request messages the upstream has seen; null means unknown (a turn
/// was abandoned after the upstream saw it), which makes the next turn start over.
/// <para>The pure session logic lives here too: <see cref="Decide"/> picks the ids for a turn and <see cref="Apply"/>
/// folds an event into the state. No I/O and no clock reads, so both are tested alone.</para>
/// </summary>
public sealed record SessionState(
    int SchemaVersion,
    string SessionId,
    string? ExchangeId,
    int TurnCount,
    string? HistoryHash,
    int SeenMessages,
    long CreatedAt,
    long UpdatedAt) : ISessionPersisted
{
    /// <summary>Only grows. Stored state with any other version is a miss.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>What the entity knows when a turn begins.</summary>
    public sealed record BeginInput(
        string? ExplicitSessionId,
        string? ExplicitExchangeId,
        int MessageCount,
        /// <summary>Hash of the request's first <c>state.SeenMessages</c> messages; null when it has fewer.</summary>
        string? RequestPrefixHash,
        /// <summary>Index after the request's last assistant message (what a re-attached upstream has seen).</summary>
        int MessagesBeforeNewTurn,
        long Now,
        long TtlMs);

    public static bool IsNewRequest(string? explicitSessionId) => string.Equals(explicitSessionId?.Trim(), "new", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the state outlived the TTL since its last write: the next turn is a fresh session.</summary>
    public bool IsExpired(long now, long ttlMs) => now - UpdatedAt > ttlMs;

    public static TurnPlan Decide(SessionState? state, BeginInput input)
    {
        if (IsNewRequest(input.ExplicitSessionId))
            return new TurnPlan(TurnKind.ForcedNew, null, null, CarryHistory: true, 0, DeleteRecord: true);

        var expired = state is not null && state.IsExpired(input.Now, input.TtlMs);
        if (expired) state = null;
        var explicitExchange = IsNewRequest(input.ExplicitExchangeId) ? null : Blank(input.ExplicitExchangeId);

        if (Blank(input.ExplicitSessionId) is { } explicitId)
        {
            if (state is not null && state.SessionId == explicitId)
            {
                var seen = PrefixMatches(state, input) ? state.SeenMessages : input.MessagesBeforeNewTurn;
                return new TurnPlan(TurnKind.Explicit, explicitId, explicitExchange ?? state.ExchangeId, false, seen, false);
            }
            var kind = state is null ? TurnKind.Reattached : TurnKind.Explicit;
            return new TurnPlan(kind, explicitId, explicitExchange, false, input.MessagesBeforeNewTurn, false);
        }

        if (state is null)
            return new TurnPlan(expired ? TurnKind.Expired : TurnKind.New, null, null, true, 0, false);
        if (!PrefixMatches(state, input))
            return new TurnPlan(TurnKind.Forked, null, null, true, 0, false);
        return new TurnPlan(TurnKind.Continued, state.SessionId, explicitExchange ?? state.ExchangeId, false, state.SeenMessages, false);
    }

    /// <summary>
    /// The history must extend what the upstream saw: same first messages and at least one more. A resent
    /// history of the same length is a regenerate, which the upstream's memory cannot express.
    /// </summary>
    private static bool PrefixMatches(SessionState state, BeginInput input)
        => state.HistoryHash is not null
           && input.MessageCount > state.SeenMessages
           && string.Equals(state.HistoryHash, input.RequestPrefixHash, StringComparison.Ordinal);

    /// <summary>The state after <paramref name="evt"/>; the same instance when nothing changes.</summary>
    public static SessionState? Apply(SessionState? current, SessionEvent evt) => evt switch
    {
        TurnCompleted { SessionId: null } => current,
        TurnCompleted done when current is not null && current.SessionId == done.SessionId => current with
        {
            ExchangeId = done.ExchangeId ?? current.ExchangeId,
            TurnCount = current.TurnCount + 1,
            HistoryHash = done.HistoryHash,
            SeenMessages = done.SeenMessages,
            UpdatedAt = done.At,
        },
        TurnCompleted done => new SessionState(
            CurrentSchemaVersion, done.SessionId!, done.ExchangeId, 1, done.HistoryHash, done.SeenMessages, done.At, done.At),
        TurnAbandoned gone when current is not null && current.SessionId == gone.SessionId && current.HistoryHash is not null => current with
        {
            HistoryHash = null,
            UpdatedAt = gone.At,
        },
        TurnAbandoned => current,
        SessionReset or SessionMissed => null,
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "unknown session event"),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
