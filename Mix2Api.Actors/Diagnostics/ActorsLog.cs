using Microsoft.Extensions.Logging;

namespace Mix2Api.Actors.Diagnostics;

/// <summary>Every log event of Mix2Api.Actors, with ids from one table. Keys, ids and tokens appear as fingerprints only.</summary>
internal static partial class ActorsLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Session schema miss: key={KeyFp} reason={Reason}; record dropped, a new session starts")]
    public static partial void SessionSchemaMiss(this ILogger logger, string keyFp, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Session turn: key={KeyFp} kind={Kind} session={SessionFp}")]
    public static partial void SessionTurnBegun(this ILogger logger, string keyFp, string kind, string sessionFp);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Session journaled: key={KeyFp} turns={TurnCount} version={Version}")]
    public static partial void SessionJournaled(this ILogger logger, string keyFp, int turnCount, long version);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Session journal gave up after {Attempts} compare-and-set conflicts: key={KeyFp}")]
    public static partial void SessionCasExhausted(this ILogger logger, string keyFp, int attempts);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Session store failed for key={KeyFp}; turn continues without session state")]
    public static partial void SessionStoreFailed(this ILogger logger, Exception exception, string keyFp);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "Session entity passivated: key={KeyFp}")]
    public static partial void SessionPassivated(this ILogger logger, string keyFp);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Upstream rejected token={TokenFp}; recovery result={Result} token={NewTokenFp}")]
    public static partial void TokenRecovered(this ILogger logger, string tokenFp, string result, string newTokenFp);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Membership heartbeat failed: {Error}")]
    public static partial void MembershipHeartbeatFailed(this ILogger logger, string error);
}
