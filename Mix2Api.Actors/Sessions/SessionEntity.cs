using Akka.Actor;
using Akka.Persistence;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// One session key in the whole cluster (a sharded entity: sharding keeps exactly one per key), so it is the
/// single writer of its state and no compare-and-set is needed. It decides each turn's ids from its state,
/// journals what happened before it answers, recovers from the journal when it is started again (after
/// passivation, a restart or a shard moving to another node), and snapshots every <see cref="SnapshotEvery"/>
/// events so recovery stays short.
/// </summary>
public sealed class SessionEntity : ReceivePersistentActor
{
    /// <summary>Events between snapshots (older events and snapshots are then deleted).</summary>
    public const int SnapshotEvery = 20;

    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _keyFingerprint;
    private SessionState? _state;

    public SessionEntity(string sessionKey, SessionOptions options, TimeProvider time, ILogger log)
    {
        _options = options;
        _time = time;
        _log = log;
        _keyFingerprint = Fingerprint.Of(sessionKey);
        PersistenceId = PersistenceIdOf(sessionKey);
        Lifecycle = SessionLifecycleState.Created;

        Recover<SnapshotOffer>(offer => _state = offer.Snapshot switch
        {
            SessionState state => state,
            SessionMissed missed => Missed(missed),
            _ => null,
        });
        Recover<SessionMissed>(missed => _state = Missed(missed));
        Recover<SessionEvent>(evt => _state = SessionState.Apply(_state, evt));
        Recover<RecoveryCompleted>(_ => Lifecycle = SessionLifecycle.Transition(Lifecycle, SessionLifecycleState.Active));

        Command<BeginTurn>(Begin);
        Command<EndTurn>(End);
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.SessionSnapshotFailed(failed.Cause, _keyFingerprint));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public static Props Props(string sessionKey, SessionOptions options, TimeProvider time, ILogger log)
        => Akka.Actor.Props.Create(() => new SessionEntity(sessionKey, options, time, log));

    /// <summary>The journal id of a key (the Redis journal prefixes it with REDIS_SESSION_PREFIX).</summary>
    public static string PersistenceIdOf(string sessionKey) => "session:" + sessionKey;

    public override string PersistenceId { get; }

    /// <summary>Where this entity is in its lifecycle (see <see cref="SessionLifecycle"/>).</summary>
    public SessionLifecycleState Lifecycle { get; private set; }

    private void Begin(BeginTurn begin)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var prefixHash = _state is null ? null : HistoryHash.PrefixOf(begin.PrefixHashes, _state.SeenMessages);
        var plan = SessionState.Decide(_state, new SessionState.BeginInput(begin.ExplicitSessionId, begin.ExplicitExchangeId,
            begin.MessageCount, prefixHash, begin.MessagesBeforeNewTurn, now, (long)_options.Ttl.TotalMilliseconds));
        if (ActorsTelemetry.SessionTurns.Enabled)
            ActorsTelemetry.SessionTurns.Add(1, new KeyValuePair<string, object?>("kind", plan.Kind.ToString().ToLowerInvariant()));
        if (_log.IsEnabled(LogLevel.Debug))
            _log.SessionTurnBegun(_keyFingerprint, plan.Kind.ToString(), plan.SessionId is null ? "none" : Fingerprint.Of(plan.SessionId));
        // The plan does not depend on the reset being journaled: answer at once, the journal write follows in order.
        Sender.Tell(plan);
        if (plan.DeleteRecord && _state is not null) Persist(new SessionReset(now), _ => _state = null);
    }

    private void End(EndTurn end)
    {
        var next = SessionState.Apply(_state, end.Event);
        if (ReferenceEquals(next, _state))
        {
            Sender.Tell(new TurnRecorded(false));
            return;
        }
        var sender = Sender;
        Persist(end.Event, _ =>
        {
            _state = next;
            // The reply is the requester's proof that the next turn, on any node, finds this one.
            sender.Tell(new TurnRecorded(true));
            if (_log.IsEnabled(LogLevel.Debug)) _log.SessionJournaled(_keyFingerprint, next?.TurnCount ?? 0, LastSequenceNr);
            if (LastSequenceNr % SnapshotEvery == 0 && _state is not null) SaveSnapshot(_state);
        });
    }

    /// <summary>An unreadable event or snapshot: counted, logged, and the session starts over.</summary>
    private SessionState? Missed(SessionMissed missed)
    {
        _log.SessionSchemaMiss(_keyFingerprint, missed.Reason);
        ActorsTelemetry.SessionSchemaMisses.Add(1, new KeyValuePair<string, object?>("reason", missed.Reason));
        return null;
    }

    protected override void PostStop()
    {
        Lifecycle = SessionLifecycleState.Stopped;
        if (_log.IsEnabled(LogLevel.Debug)) _log.SessionPassivated(_keyFingerprint);
        base.PostStop();
    }
}
