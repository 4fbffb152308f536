using Akka.Actor;
using Akka.Coordination;
using Mix2Api.Actors.State;
using StackExchange.Redis;

namespace Mix2Api.Actors.Cluster;

/// <summary>
/// An Akka lease on Redis, for the split brain resolver's <c>lease-majority</c> strategy: when the two nodes lose
/// each other, the side that takes this lease downs the other and lives; the side that cannot (the other holds it,
/// or Redis is unreachable) downs itself. Held with SET NX PX and extended every heartbeat-interval; lost when an
/// extension fails. Configured in <see cref="Hosting.ActorsAkkaSetup"/> (section <c>mix2api.sbr-lease</c>).
/// </summary>
public sealed class RedisLease : Lease, IDisposable
{
    private readonly string _key;
    private readonly string _url;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _heartbeat;
    private readonly TimeSpan _operationTimeout;
    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _connection;
    private Timer? _timer;
    private volatile bool _held;

    public RedisLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _ = system;
        _url = settings.LeaseConfig.GetString("redis-url");
        _key = $"{settings.LeaseConfig.GetString("key-prefix", "mix2api").TrimEnd(':')}:sbr-lease:{settings.LeaseName}";
        _ttl = settings.TimeoutSettings.HeartbeatTimeout;
        _heartbeat = settings.TimeoutSettings.HeartbeatInterval;
        _operationTimeout = settings.TimeoutSettings.OperationTimeout;
    }

    public override Task<bool> Acquire() => Acquire(null!);

    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        var owner = Settings.OwnerName;
        var acquired = await db.LockTakeAsync(_key, owner, _ttl).ConfigureAwait(false)
                       || await db.LockExtendAsync(_key, owner, _ttl).ConfigureAwait(false);
        if (!acquired) return false;
        _held = true;
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = new Timer(_ => _ = ExtendAsync(leaseLostCallback), null, _heartbeat, _heartbeat);
        }
        return true;
    }

    private async Task ExtendAsync(Action<Exception>? lost)
    {
        if (!_held) return;
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            if (await db.LockExtendAsync(_key, Settings.OwnerName, _ttl).ConfigureAwait(false)) return;
            Lost(lost, new LeaseException($"lease {Settings.LeaseName} was taken by another owner"));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Lost(lost, new LeaseException($"lease {Settings.LeaseName} could not be extended", ex));
        }
    }

    private void Lost(Action<Exception>? lost, Exception reason)
    {
        _held = false;
        lock (_gate) _timer?.Dispose();
        lost?.Invoke(reason);
    }

    public override async Task<bool> Release()
    {
        _held = false;
        lock (_gate) _timer?.Dispose();
        var db = await DatabaseAsync().ConfigureAwait(false);
        return await db.LockReleaseAsync(_key, Settings.OwnerName).ConfigureAwait(false);
    }

    public override bool CheckLease() => _held;

    private async Task<IDatabase> DatabaseAsync()
    {
        var connection = _connection;
        if (connection is null)
        {
            var options = new RedisSettings(_url, _operationTimeout, _operationTimeout, _heartbeat).ToConfiguration();
            connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            lock (_gate)
            {
                if (_connection is null) _connection = connection;
                else
                {
                    connection.Dispose();
                    connection = _connection;
                }
            }
        }
        return connection.GetDatabase();
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _connection?.Dispose();
    }
}
