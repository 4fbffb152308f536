namespace Mix2Api.Actors.Sessions;

/// <summary>
/// What happened to a session: journaled by the <see cref="SessionEntity"/> and folded into its state by
/// <see cref="SessionState.Apply"/>. Stored as versioned JSON by <see cref="SessionJsonSerializer"/>.
/// </summary>
public abstract record SessionEvent(long At) : ISessionPersisted;

/// <summary>A turn finished; the upstream has now seen the first <paramref name="SeenMessages"/> messages.</summary>
public sealed record TurnCompleted(string? SessionId, string? ExchangeId, string HistoryHash, int SeenMessages, long At) : SessionEvent(At);

/// <summary>A turn ended without completing after the upstream saw it: its memory no longer matches ours.</summary>
public sealed record TurnAbandoned(string SessionId, long At) : SessionEvent(At);

/// <summary>The client asked for a new session (session id <c>new</c>): what was known is dropped.</summary>
public sealed record SessionReset(long At) : SessionEvent(At);

/// <summary>
/// What a stored event or snapshot that cannot be read (unknown <c>schemaVersion</c>, corrupt JSON, unknown
/// manifest) decodes to: the session is forgotten from there on, a miss instead of a failed recovery.
/// </summary>
public sealed record SessionMissed(string Reason) : SessionEvent(0);

/// <summary>Marks what the journal and snapshot store keep; bound to <see cref="SessionJsonSerializer"/> in hocon/base.conf.</summary>
public interface ISessionPersisted;
