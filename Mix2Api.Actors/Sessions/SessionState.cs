namespace Mix2Api.Actors.Sessions;

/// <summary>
/// The pure session logic: <see cref="Decide"/> picks the ids for a turn from the stored record, and
/// <see cref="Apply"/> folds an event into the record. No I/O and no clock reads, so both are tested alone.
/// </summary>
public static class SessionState
{
    /// <summary>What the entity knows when a turn begins.</summary>
    public sealed record BeginInput(
        SessionRecord? Record,
        string? ExplicitSessionId,
        string? ExplicitExchangeId,
        int MessageCount,
        /// <summary>Hash of the request's first <c>Record.HistoryCount</c> messages; null when it has fewer.</summary>
        string? RequestPrefixHash,
        /// <summary>Index after the request's last assistant message (what a re-attached upstream has seen).</summary>
        int MessagesBeforeNewTurn,
        long Now,
        long TtlMs);

    public static bool IsNewRequest(string? explicitSessionId) => string.Equals(explicitSessionId?.Trim(), "new", StringComparison.OrdinalIgnoreCase);

    public static TurnPlan Decide(BeginInput input)
    {
        if (IsNewRequest(input.ExplicitSessionId))
            return new TurnPlan(TurnKind.ForcedNew, null, null, CarryHistory: true, 0, DeleteRecord: true);

        var record = input.Record;
        var expired = record is not null && input.Now - record.UpdatedAt > input.TtlMs;
        if (expired) record = null;
        var explicitExchange = IsNewRequest(input.ExplicitExchangeId) ? null : Blank(input.ExplicitExchangeId);

        if (Blank(input.ExplicitSessionId) is { } explicitId)
        {
            if (record is not null && record.SessionId == explicitId)
            {
                var seen = PrefixMatches(record, input) ? record.HistoryCount : input.MessagesBeforeNewTurn;
                return new TurnPlan(TurnKind.Explicit, explicitId, explicitExchange ?? record.ExchangeId, false, seen, false);
            }
            var kind = record is null ? TurnKind.Reattached : TurnKind.Explicit;
            return new TurnPlan(kind, explicitId, explicitExchange, false, input.MessagesBeforeNewTurn, false);
        }

        if (record is null)
            return new TurnPlan(expired ? TurnKind.Expired : TurnKind.New, null, null, true, 0, false);
        if (!PrefixMatches(record, input))
            return new TurnPlan(TurnKind.Forked, null, null, true, 0, false);
        return new TurnPlan(TurnKind.Continued, record.SessionId, explicitExchange ?? record.ExchangeId, false, record.HistoryCount, false);
    }

    /// <summary>
    /// The history must extend what the upstream saw: same first messages and at least one more. A resent
    /// history of the same length is a regenerate, which the upstream's memory cannot express.
    /// </summary>
    private static bool PrefixMatches(SessionRecord record, BeginInput input)
        => record.HistoryHash is not null
           && input.MessageCount > record.HistoryCount
           && string.Equals(record.HistoryHash, input.RequestPrefixHash, StringComparison.Ordinal);

    /// <summary>The record after <paramref name="evt"/>; the same instance when nothing is to be written.</summary>
    public static SessionRecord? Apply(SessionRecord? current, SessionEvent evt) => evt switch
    {
        TurnCompleted { SessionId: null } => current,
        TurnCompleted done when current is not null && current.SessionId == done.SessionId => current with
        {
            ExchangeId = done.ExchangeId ?? current.ExchangeId,
            TurnCount = current.TurnCount + 1,
            HistoryHash = done.HistoryHash,
            HistoryCount = done.HistoryCount,
            UpdatedAt = done.At,
            Version = current.Version + 1,
        },
        TurnCompleted done => new SessionRecord(
            SessionRecord.CurrentSchemaVersion, done.SessionId!, done.ExchangeId, 1, done.HistoryHash, done.HistoryCount,
            done.At, done.At, (current?.Version ?? 0) + 1),
        TurnAbandoned gone when current is not null && current.SessionId == gone.SessionId && current.HistoryHash is not null => current with
        {
            HistoryHash = null,
            UpdatedAt = gone.At,
            Version = current.Version + 1,
        },
        TurnAbandoned => current,
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "unknown session event"),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
