using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// One request's use of a session entity. Ids reported by the upstream are captured once; completing tells the
/// entity, which journals the turn before it answers (bounded by SESSION_ASK_TIMEOUT_MS); disposing without
/// completing tells the entity the turn was abandoned (and, if the upstream already saw it, that the upstream's
/// memory no longer matches the client's history).
/// </summary>
internal sealed class SessionTurn(
    IActorRef region,
    SessionKey key,
    TurnPlan plan,
    byte[] prefixHashes,
    int messageCount,
    SessionOptions options,
    TimeProvider time,
    ILogger log) : ISessionTurn
{
    private readonly Lock _gate = new();
    private string? _upstreamSessionId;
    private string? _upstreamExchangeId;
    private bool _idsSeen;
    private int _ended;

    public string? SessionId => plan.SessionId;
    public string? ExchangeId => plan.ExchangeId;
    public bool CarryHistory => plan.CarryHistory;
    public int SeenMessageCount => plan.SeenMessageCount;
    public string? KeyFingerprint => key.Fingerprint;
    public TurnKind Kind => plan.Kind;

    public void OnUpstreamIds(string? sessionId, string? exchangeId)
    {
        if (string.IsNullOrWhiteSpace(sessionId) && string.IsNullOrWhiteSpace(exchangeId)) return;
        lock (_gate)
        {
            if (_idsSeen) return;
            _idsSeen = true;
            _upstreamSessionId = string.IsNullOrWhiteSpace(sessionId) ? null : sessionId;
            _upstreamExchangeId = string.IsNullOrWhiteSpace(exchangeId) ? null : exchangeId;
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        var (sessionId, exchangeId) = FinalIds();
        // The hash of the whole history was computed with the prefixes at the start of the turn.
        var historyHash = HistoryHash.PrefixOf(prefixHashes, messageCount) ?? HistoryHash.Of([], 0);
        var evt = new TurnCompleted(sessionId, exchangeId, historyHash, messageCount, time.GetUtcNow().ToUnixTimeMilliseconds());
        await EndAsync(evt, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        bool seen;
        lock (_gate) seen = _idsSeen;
        var (sessionId, _) = FinalIds();
        // Only a turn the upstream actually saw changes its memory; a failure before that changes nothing.
        if (seen && sessionId is not null)
            await EndAsync(new TurnAbandoned(sessionId, time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None).ConfigureAwait(false);
    }

    private (string? SessionId, string? ExchangeId) FinalIds()
    {
        lock (_gate)
        {
            var sessionId = _upstreamSessionId;
            if (sessionId is null && options.IdFallbackToExchange) sessionId = _upstreamExchangeId;
            return (sessionId ?? plan.SessionId, _upstreamExchangeId ?? plan.ExchangeId);
        }
    }

    private async ValueTask EndAsync(SessionEvent evt, CancellationToken cancellationToken)
    {
        // Never throws: the session must not fail a request that already succeeded upstream.
        try
        {
            await region.Ask<TurnRecorded>(new EndTurn(key.Value, evt), options.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SessionRegion.Unreachable(log, "end", key.Fingerprint, options.AskTimeout, ex);
        }
    }
}
