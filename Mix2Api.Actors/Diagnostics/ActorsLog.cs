using Microsoft.Extensions.Logging;

namespace Mix2Api.Actors.Diagnostics;

/// <summary>Every log event of Mix2Api.Actors, with ids from one table. Keys, ids and tokens appear as fingerprints only.</summary>
internal static partial class ActorsLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Session schema miss: key={KeyFp} reason={Reason}; record dropped, a new session starts")]
    public static partial void SessionSchemaMiss(this ILogger logger, string keyFp, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Session turn: key={KeyFp} kind={Kind} session={SessionFp}")]
    public static partial void SessionTurnBegun(this ILogger logger, string keyFp, string kind, string sessionFp);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Session journaled: key={KeyFp} turns={TurnCount} sequenceNr={SequenceNr}")]
    public static partial void SessionJournaled(this ILogger logger, string keyFp, int turnCount, long sequenceNr);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Session snapshot failed: key={KeyFp}; the journal still holds every event")]
    public static partial void SessionSnapshotFailed(this ILogger logger, Exception exception, string keyFp);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Session entity unreachable ({Phase}) for key={KeyFp} within {TimeoutMs} ms: {Error}; the turn continues without session state")]
    public static partial void SessionUnreachable(this ILogger logger, string phase, string keyFp, long timeoutMs, string error);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "Session entity passivated: key={KeyFp}")]
    public static partial void SessionPassivated(this ILogger logger, string keyFp);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Upstream rejected token={TokenFp}; recovery result={Result} token={NewTokenFp}")]
    public static partial void TokenRecovered(this ILogger logger, string tokenFp, string result, string newTokenFp);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Cluster: this node ({Address}, role {Role}) is up; session region ready")]
    public static partial void ClusterNodeUp(this ILogger logger, string address, string role);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Cluster: the session region did not answer within {Seconds} s of start-up (seeds: {Seeds}); serving without sessions until it does")]
    public static partial void ClusterNotReady(this ILogger logger, int seconds, string seeds);
}
