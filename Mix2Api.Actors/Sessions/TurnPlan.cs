using Mix2Api.Actors.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>Why a turn got the ids it got; logged and counted, so session behaviour is observable.</summary>
public enum TurnKind
{
    /// <summary>No record: the upstream starts a new session and gets the whole history.</summary>
    New,
    /// <summary>The record's session continues: the history starts with what the upstream has seen.</summary>
    Continued,
    /// <summary>The history no longer starts with what the upstream saw (edit, regenerate, new chat): start over.</summary>
    Forked,
    /// <summary>The record outlived SESSION_TTL_MS: start over.</summary>
    Expired,
    /// <summary>The client sent session id <c>new</c>: the record is dropped and a session starts over.</summary>
    ForcedNew,
    /// <summary>The client named a session the store does not know (e.g. after a restart): re-attach to it.</summary>
    Reattached,
    /// <summary>The client named a session: it wins over the record.</summary>
    Explicit,
}

/// <summary>What a turn sends upstream. <see cref="SeenMessageCount"/> leading messages are already known upstream.</summary>
public sealed record TurnPlan(
    TurnKind Kind,
    string? SessionId,
    string? ExchangeId,
    bool CarryHistory,
    int SeenMessageCount,
    bool DeleteRecord) : IMix2ApiMessage;
