using System.Diagnostics.Metrics;

namespace Mix2Api.Actors.Diagnostics;

/// <summary>The one <see cref="Meter"/> of Mix2Api.Actors; the host exports it on <c>/metrics</c>.</summary>
public static class ActorsTelemetry
{
    public const string MeterName = "Mix2Api.Actors";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>Turns begun, tagged <c>kind</c> (<see cref="Sessions.TurnKind"/>, lower case).</summary>
    public static readonly Counter<long> SessionTurns = Meter.CreateCounter<long>("mix2api.session.turns");
    /// <summary>Records dropped as a miss (unknown schemaVersion or corrupt), tagged <c>reason</c>.</summary>
    public static readonly Counter<long> SessionSchemaMisses = Meter.CreateCounter<long>("mix2api.session.schema_misses");
    /// <summary>Turns whose session entity did not answer within SESSION_ASK_TIMEOUT_MS, tagged <c>phase</c> (begin / end).</summary>
    public static readonly Counter<long> SessionUnreachable = Meter.CreateCounter<long>("mix2api.session.unreachable");
    /// <summary>Upstream logins, tagged <c>outcome</c> (ok / failed).</summary>
    public static readonly Counter<long> TokenLogins = Meter.CreateCounter<long>("mix2api.token.logins");
    /// <summary>Recoveries after an upstream auth failure, tagged <c>result</c> (refreshed / shared / failed).</summary>
    public static readonly Counter<long> TokenRecoveries = Meter.CreateCounter<long>("mix2api.token.recoveries");
}
