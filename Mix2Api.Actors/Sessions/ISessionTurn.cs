namespace Mix2Api.Actors.Sessions;

/// <summary>
/// One request's use of a session. The host reads the ids to send upstream, reports the ids the
/// upstream announces, and completes (or disposes without completing, on failure or abort).
/// </summary>
public interface ISessionTurn : IAsyncDisposable
{
    /// <summary>Upstream session id to send; null starts a new upstream session.</summary>
    string? SessionId { get; }
    string? ExchangeId { get; }

    /// <summary>True when the upstream has not seen the history, so it must travel in the query.</summary>
    bool CarryHistory { get; }

    /// <summary>
    /// How many leading request messages the upstream session has already seen (0 when
    /// <see cref="CarryHistory"/>): when continuing a session, only the messages after these are new.
    /// </summary>
    int SeenMessageCount { get; }

    /// <summary>Fingerprint of the session key, for logs and metrics.</summary>
    string? KeyFingerprint { get; }

    /// <summary>Called once with the first upstream frame that carries ids.</summary>
    void OnUpstreamIds(string? sessionId, string? exchangeId);

    /// <summary>The turn succeeded: journal it. Must not throw because of the store.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
