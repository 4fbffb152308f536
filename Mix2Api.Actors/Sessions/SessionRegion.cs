using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Runtime;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// The entry to session entities (the Akka ShardRegion): resolves the key, activates the entity on demand,
/// forgets it when it passivates. State lives in the store, so every node can serve every key. A store
/// failure never fails the request: the turn then runs without session state (new upstream session,
/// history carried) and the failure is logged.
/// </summary>
public sealed class SessionRegion : ISessionRegion, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SessionEntity> _entities = new(StringComparer.Ordinal);
    private readonly IKeyValueStore _store;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;

    public SessionRegion(IKeyValueStore store, SessionOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        if (!SessionKey.Modes.Contains(options.KeyMode))
            throw new ArgumentException($"Invalid SESSION_KEY_MODE '{options.KeyMode}': expected one of {string.Join(", ", SessionKey.Modes)}", nameof(options));
        _store = store;
        _options = options;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<SessionRegion>();
    }

    /// <summary>Active entities in this node (for the admin view): key fingerprint and turns in flight.</summary>
    public IReadOnlyList<(string KeyFingerprint, int TurnsInFlight)> ActiveEntities()
        => _entities.Values.Select(e => (e.Key.Fingerprint, e.TurnsInFlight)).ToList();

    public async ValueTask<ISessionTurn> BeginTurnAsync(SessionContext context, CancellationToken cancellationToken)
    {
        var key = SessionKey.Resolve(context, _options.KeyMode);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var entity = Activate(key);
            try
            {
                var reply = new Reply<TurnPlan>();
                await entity.TellAsync(new BeginTurn(context, reply), cancellationToken).ConfigureAwait(false);
                var plan = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new SessionTurn(entity, plan, context, _options, _time, _log);
            }
            catch (ActorStoppedException)
            {
                // It passivated or stopped between lookup and delivery: activate a fresh one.
                _entities.TryRemove(new KeyValuePair<string, SessionEntity>(key.Value, entity));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _log.SessionStoreFailed(ex, key.Fingerprint);
                break;
            }
        }
        return new StatelessTurn(key.Fingerprint);
    }

    private SessionEntity Activate(SessionKey key)
    {
        if (_entities.TryGetValue(key.Value, out var existing) && !existing.IsStopped) return existing;
        var settings = new ActorSettings($"session-{key.Fingerprint}")
        {
            MailboxCapacity = 64,
            ReceiveTimeout = _options.EntityIdleTimeout,
            Time = _time,
            Logger = _loggers.CreateLogger<SessionEntity>(),
            // A handler failure is already answered to its caller; keep serving the key.
            Supervisor = SupervisorStrategy.Default with { Decider = ex => ex is ActorInitializationException ? Directive.Stop : Directive.Resume },
        };
        var created = new SessionEntity(key, _store, _options, settings, Forget);
        var winner = _entities.AddOrUpdate(key.Value, created, (_, current) => current.IsStopped ? created : current);
        if (ReferenceEquals(winner, created)) created.Start();
        return winner;
    }

    private void Forget(SessionEntity entity) => _entities.TryRemove(new KeyValuePair<string, SessionEntity>(entity.Key.Value, entity));

    public async ValueTask DisposeAsync()
    {
        foreach (var entity in _entities.Values) entity.Stop();
        await Task.WhenAll(_entities.Values.Select(e => e.Completion)).ConfigureAwait(false);
        _entities.Clear();
    }
}
