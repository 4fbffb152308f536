using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Runtime;
using Mix2Api.Actors.State;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// One session key in this node (the Akka sharded entity). Its mailbox serializes every read-decide-write on
/// the key in-process; the compare-and-set on the whole record (which carries <c>version</c>) makes writes
/// from other nodes safe too: a lost race re-reads, re-applies the event and tries again. The handlers await
/// only store commands, each bounded by the Redis command timeout; the turn itself runs outside.
/// </summary>
public sealed class SessionEntity : ReceiveActor<ISessionMessage>
{
    private readonly SessionKey _key;
    private readonly string _storeKey;
    private readonly IKeyValueStore _store;
    private readonly SessionOptions _options;
    private readonly Action<SessionEntity> _onPassivate;
    private int _turnsInFlight;

    public SessionEntity(SessionKey key, IKeyValueStore store, SessionOptions options, ActorSettings settings, Action<SessionEntity> onPassivate)
        : base(settings)
    {
        _key = key;
        _store = store;
        _options = options;
        _onPassivate = onPassivate;
        _storeKey = $"{options.KeyPrefix.TrimEnd(':')}:{key.Value}";
    }

    public SessionKey Key => _key;
    public SessionLifecycleState State { get; private set; } = SessionLifecycleState.Created;
    public int TurnsInFlight => Volatile.Read(ref _turnsInFlight);

    protected override ValueTask PreStartAsync()
    {
        State = SessionLifecycle.Transition(State, SessionLifecycleState.Active);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask PostStopAsync()
    {
        State = SessionLifecycleState.Stopped;
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnRestartAsync(Exception reason)
    {
        // The record lives in the store; only the in-flight count is ours, and it stays valid.
        return ValueTask.CompletedTask;
    }

    protected override ValueTask OnReceiveTimeoutAsync()
    {
        if (TurnsInFlight > 0 || State != SessionLifecycleState.Active) return ValueTask.CompletedTask;
        State = SessionLifecycle.Transition(State, SessionLifecycleState.Passivating);
        _onPassivate(this);
        Log.SessionPassivated(_key.Fingerprint);
        Stop();
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask OnReceiveAsync(ISessionMessage message)
    {
        switch (message)
        {
            case BeginTurn begin:
                begin.Reply.Set(await BeginAsync(begin.Context).ConfigureAwait(false));
                break;
            case EndTurn end:
                Interlocked.Decrement(ref _turnsInFlight);
                end.Reply.Set(end.Event is not null && await JournalAsync(end.Event).ConfigureAwait(false));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(message), message.GetType().Name, "unknown session message");
        }
    }

    private async Task<TurnPlan> BeginAsync(SessionContext context)
    {
        var (record, _) = await ReadAsync().ConfigureAwait(false);
        var messages = context.Messages;
        var prefixHash = record is not null && messages.Count > record.HistoryCount ? HistoryHash.Of(messages, record.HistoryCount) : null;
        var plan = SessionState.Decide(new SessionState.BeginInput(
            record, context.ExplicitSessionId, context.ExplicitExchangeId, messages.Count, prefixHash,
            MessagesBeforeNewTurn(messages), Time.GetUtcNow().ToUnixTimeMilliseconds(), (long)_options.Ttl.TotalMilliseconds));
        if (plan.DeleteRecord) await _store.DeleteAsync(_storeKey, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _turnsInFlight);
        if (ActorsTelemetry.SessionTurns.Enabled)
            ActorsTelemetry.SessionTurns.Add(1, new KeyValuePair<string, object?>("kind", plan.Kind.ToString().ToLowerInvariant()));
        if (Log.IsEnabled(LogLevel.Debug))
            Log.SessionTurnBegun(_key.Fingerprint, plan.Kind.ToString(), plan.SessionId is null ? "none" : Fingerprint.Of(plan.SessionId));
        return plan;
    }

    private async Task<bool> JournalAsync(SessionEvent evt)
    {
        for (var attempt = 1; attempt <= _options.CasMaxAttempts; attempt++)
        {
            var (current, raw) = await ReadAsync().ConfigureAwait(false);
            var next = SessionState.Apply(current, evt);
            if (ReferenceEquals(next, current) || next is null) return false;
            if (await _store.CompareAndSetAsync(_storeKey, raw, next.ToJson(), _options.Ttl, CancellationToken.None).ConfigureAwait(false))
            {
                Log.SessionJournaled(_key.Fingerprint, next.TurnCount, next.Version);
                return true;
            }
            ActorsTelemetry.SessionCasConflicts.Add(1);
        }
        Log.SessionCasExhausted(_key.Fingerprint, _options.CasMaxAttempts);
        return false;
    }

    /// <summary>The valid record and the raw value it came from (the compare-and-set expectation).</summary>
    private async Task<(SessionRecord? Record, string? Raw)> ReadAsync(int depth = 0)
    {
        var raw = await _store.GetAsync(_storeKey, CancellationToken.None).ConfigureAwait(false);
        if (raw is null) return (null, null);
        var record = SessionRecord.Parse(raw, out var missReason);
        if (record is not null) return (record, raw);
        Log.SessionSchemaMiss(_key.Fingerprint, missReason!);
        ActorsTelemetry.SessionSchemaMisses.Add(1, new KeyValuePair<string, object?>("reason", missReason));
        // Delete only what we judged: a concurrent valid write must survive.
        var deleted = await _store.CompareAndSetAsync(_storeKey, raw, null, null, CancellationToken.None).ConfigureAwait(false);
        return deleted || depth >= 3 ? (null, raw) : await ReadAsync(depth + 1).ConfigureAwait(false);
    }

    private static int MessagesBeforeNewTurn(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.Assistant) return i + 1;
        }
        return 0;
    }
}
