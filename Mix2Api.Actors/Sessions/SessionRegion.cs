using Akka.Actor;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// The request path's door to the "session" shard region: resolves the key, asks the key's entity (wherever in
/// the cluster it lives) for the turn's ids, bounded by SESSION_ASK_TIMEOUT_MS. An entity that does not answer
/// in time (node lost and not yet downed, shard moving, journal down during recovery) never fails or holds the
/// request: the turn goes upstream without a session (history carried), and the miss is counted and logged.
/// </summary>
public sealed class SessionRegion : ISessionRegion
{
    private readonly Func<IActorRef> _resolveRegion;
    private IActorRef? _region;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public SessionRegion(IActorRef region, SessionOptions options, TimeProvider time, ILogger<SessionRegion> log)
        : this(() => region, options, time, log)
    {
    }

    /// <summary>With the shard region resolved on first use (it exists only once the actor system runs).</summary>
    public SessionRegion(Func<IActorRef> region, SessionOptions options, TimeProvider time, ILogger<SessionRegion> log)
    {
        if (!SessionKey.Modes.Contains(options.KeyMode))
            throw new ArgumentException($"Invalid SESSION_KEY_MODE '{options.KeyMode}': expected one of {string.Join(", ", SessionKey.Modes)}", nameof(options));
        _resolveRegion = region;
        _options = options;
        _time = time;
        _log = log;
    }

    private IActorRef Region => _region ??= _resolveRegion();

    public async ValueTask<ISessionTurn> BeginTurnAsync(SessionContext context, CancellationToken cancellationToken)
    {
        var key = SessionKey.Resolve(context, _options.KeyMode);
        var messages = context.Messages;
        var prefixes = HistoryHash.Prefixes(messages);
        var begin = new BeginTurn(key.Value, context.ExplicitSessionId, context.ExplicitExchangeId, messages.Count,
            MessagesBeforeNewTurn(messages), prefixes);
        try
        {
            var plan = await Region.Ask<TurnPlan>(begin, _options.AskTimeout, cancellationToken).ConfigureAwait(false);
            return new SessionTurn(Region, key, plan, prefixes, messages.Count, _options, _time, _log);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unreachable(_log, "begin", key.Fingerprint, _options.AskTimeout, ex);
            return new StatelessTurn(key.Fingerprint);
        }
    }

    /// <summary>
    /// True once the region can place sessions: the shard coordinator answers with at least one region (start-up
    /// readiness). Needs no journal, so a node whose Redis is down at start-up is ready as soon as its cluster is.
    /// </summary>
    public async Task<bool> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var regions = await Region.Ask<Akka.Cluster.Sharding.CurrentRegions>(Akka.Cluster.Sharding.GetCurrentRegions.Instance, timeout, cancellationToken).ConfigureAwait(false);
            return regions.Regions.Count > 0;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return false;
        }
    }

    internal static void Unreachable(ILogger log, string phase, string keyFingerprint, TimeSpan timeout, Exception ex)
    {
        ActorsTelemetry.SessionUnreachable.Add(1, new KeyValuePair<string, object?>("phase", phase));
        log.SessionUnreachable(phase, keyFingerprint, (long)timeout.TotalMilliseconds, ex.GetType().Name);
    }

    /// <summary>Index after the last assistant message: what an upstream that answered it has seen.</summary>
    internal static int MessagesBeforeNewTurn(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.Assistant) return i + 1;
        }
        return 0;
    }
}
