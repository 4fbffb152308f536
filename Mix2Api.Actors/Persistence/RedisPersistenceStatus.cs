using Akka.Actor;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// What <c>/health</c> shows about the Redis journal and snapshot store of one <see cref="ActorSystem"/>: whether
/// Redis is connected, the last error, and how many journal writes were refused because another writer (a node that
/// shares Redis but is not in this cluster) had moved the persistence id on. Thread-safe; read it any time.
/// </summary>
public sealed class RedisPersistenceStatus : IExtension
{
    private readonly Lock _gate = new();
    private readonly List<Func<bool>> _connections = [];
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private long _sequenceConflicts;
    private DateTimeOffset? _lastConflictAt;

    public static RedisPersistenceStatus Get(ActorSystem system) => system.WithExtension<RedisPersistenceStatus, RedisPersistenceStatusProvider>();

    /// <summary>True once a Redis journal or snapshot store has started in this system.</summary>
    public bool Enabled
    {
        get { lock (_gate) return _connections.Count > 0; }
    }

    /// <summary>True while every started Redis plugin has a live connection; false before any started.</summary>
    public bool Connected
    {
        get
        {
            lock (_gate)
            {
                if (_connections.Count == 0) return false;
                foreach (var connected in _connections)
                    if (!connected()) return false;
                return true;
            }
        }
    }

    /// <summary>The last connection or command failure (<c>Type: message</c>, password never included); null if none yet.</summary>
    public string? LastError
    {
        get { lock (_gate) return _lastError; }
    }

    public DateTimeOffset? LastErrorAt
    {
        get { lock (_gate) return _lastErrorAt; }
    }

    /// <summary>Journal writes refused because the stored highest sequence nr was not the one the writer expected.</summary>
    public long SequenceConflicts => Interlocked.Read(ref _sequenceConflicts);

    public DateTimeOffset? LastConflictAt
    {
        get { lock (_gate) return _lastConflictAt; }
    }

    internal void Attach(Func<bool> connected)
    {
        lock (_gate) _connections.Add(connected);
    }

    internal void Detach(Func<bool> connected)
    {
        lock (_gate) _connections.Remove(connected);
    }

    internal void RecordError(string error)
    {
        lock (_gate)
        {
            _lastError = error;
            _lastErrorAt = DateTimeOffset.UtcNow;
        }
    }

    internal void RecordConflict()
    {
        Interlocked.Increment(ref _sequenceConflicts);
        lock (_gate) _lastConflictAt = DateTimeOffset.UtcNow;
    }
}

/// <summary>Akka's extension id for <see cref="RedisPersistenceStatus"/>.</summary>
public sealed class RedisPersistenceStatusProvider : ExtensionIdProvider<RedisPersistenceStatus>
{
    public override RedisPersistenceStatus CreateExtension(ExtendedActorSystem system) => new();
}
