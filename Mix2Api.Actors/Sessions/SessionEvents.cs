namespace Mix2Api.Actors.Sessions;

/// <summary>What happened to a session; <see cref="SessionState.Apply"/> folds these into the record.</summary>
public abstract record SessionEvent(long At);

/// <summary>A turn finished; the upstream has now seen the first <paramref name="HistoryCount"/> messages.</summary>
public sealed record TurnCompleted(string? SessionId, string? ExchangeId, string HistoryHash, int HistoryCount, long At) : SessionEvent(At);

/// <summary>A turn ended without completing after the upstream saw it: its memory no longer matches ours.</summary>
public sealed record TurnAbandoned(string SessionId, long At) : SessionEvent(At);
