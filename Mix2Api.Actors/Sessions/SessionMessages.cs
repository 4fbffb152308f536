using Mix2Api.Actors.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>A message for one session entity; <see cref="SessionKey"/> routes it (<see cref="SessionMessageExtractor"/>).</summary>
public interface ISessionMessage : IMix2ApiMessage
{
    string SessionKey { get; }
}

/// <summary>
/// Pick the ids for a new turn (ask; the reply is a <see cref="TurnPlan"/>). The history itself stays on the
/// requesting node: <paramref name="PrefixHashes"/> holds <see cref="HistoryHash"/> of every prefix of it
/// (16 bytes each, prefix length i+1 at offset 16·i), which is all the entity needs to detect a fork.
/// </summary>
public sealed record BeginTurn(
    string SessionKey,
    string? ExplicitSessionId,
    string? ExplicitExchangeId,
    int MessageCount,
    int MessagesBeforeNewTurn,
    byte[] PrefixHashes) : ISessionMessage;

/// <summary>Journal a finished (or abandoned) turn (ask; the entity persists before it answers <see cref="TurnRecorded"/>).</summary>
public sealed record EndTurn(string SessionKey, SessionEvent Event) : ISessionMessage;

/// <summary>The reply to <see cref="EndTurn"/>: whether the state changed and was journaled.</summary>
public sealed record TurnRecorded(bool Written) : IMix2ApiMessage;

