using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Mix2Api.Actors.State;

/// <summary>
/// Owns the Redis connection and decides, per call, whether Redis may be used at all. A background loop
/// connects and pings every <see cref="RedisSettings.PingInterval"/>; a failed ping or command marks the
/// store degraded at once, so later requests skip Redis without waiting, and a good ping restores it.
/// StackExchange.Redis 1.2.6 has no timeout on async commands, so every command gets
/// <see cref="RedisSettings.CommandTimeout"/> here: no request waits longer than that for Redis.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConfigurationOptions _configuration;
    private volatile ConnectionMultiplexer? _mux;
    private volatile string? _degradedReason = "not connected yet";
    private volatile bool _pingOk;
    private volatile string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private Task? _loop;
    private int _failedPings;
    private int _disposed;

    public RedisConnection(RedisSettings settings, TimeProvider time, ILogger<RedisConnection> log)
    {
        _settings = settings;
        _time = time;
        _log = log;
        _configuration = settings.ToConfiguration();
    }

    public TimeSpan CommandTimeout => _settings.CommandTimeout;

    /// <summary>True when a request may use Redis now (connected, last ping good, no failure since).</summary>
    public bool IsAvailable => _degradedReason is null && _mux is { IsConnected: true };

    public StoreHealth Health
    {
        get
        {
            var reason = _degradedReason;
            var connected = _pingOk && _mux is { IsConnected: true };
            return new StoreHealth("redis", reason is not null || !connected, connected, reason ?? (connected ? null : "not connected"), _lastError, _lastErrorAt);
        }
    }

    /// <summary>Wakes waiters whenever availability changes (tests and health watchers).</summary>
    public event Action<bool>? AvailabilityChanged;

    public void Start() => _loop ??= Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Run one command under the command timeout; any failure marks the store degraded.</summary>
    public async Task<T> ExecuteAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        var mux = _mux;
        if (_degradedReason is not null || mux is null || !mux.IsConnected)
            throw new RedisUnavailableException(_degradedReason ?? "not connected");
        try
        {
            return await command(mux.GetDatabase()).WaitAsync(_settings.CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException ex)
        {
            MarkDegraded("command timeout", ex);
            throw new RedisUnavailableException("command timeout", ex);
        }
        catch (RedisServerException)
        {
            throw; // the server answered: a bug in our command, not an outage
        }
        catch (Exception ex) when (ex is RedisException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            MarkDegraded(ex.GetType().Name, ex);
            throw new RedisUnavailableException(ex.Message, ex);
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ProbeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                MarkDegraded("probe failed", ex);
            }
            try
            {
                await Task.Delay(_settings.PingInterval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ProbeAsync()
    {
        if (_mux is null)
        {
            // abortConnect=false: returns a multiplexer even when Redis is down; it keeps reconnecting by itself.
            _mux = await ConnectionMultiplexer.ConnectAsync(_configuration).WaitAsync(_settings.ConnectTimeout * 2, _time).ConfigureAwait(false);
        }
        var mux = _mux;
        try
        {
            await mux.GetDatabase().PingAsync().WaitAsync(_settings.ConnectTimeout, _time).ConfigureAwait(false);
            _failedPings = 0;
            _pingOk = true;
            MarkAvailable();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _pingOk = false;
            MarkDegraded("ping failed", ex);
            // 1.2.6 sometimes stays stuck after a long outage; start over with a fresh multiplexer then.
            if (++_failedPings >= 10 && !mux.IsConnected)
            {
                _failedPings = 0;
                _mux = null;
                _ = Task.Run(() => mux.Dispose());
            }
        }
    }

    private void MarkAvailable()
    {
        if (_degradedReason is null) return;
        _log.LogInformation("Redis store available again (was: {Reason})", _degradedReason);
        _degradedReason = null;
        AvailabilityChanged?.Invoke(true);
    }

    private void MarkDegraded(string reason, Exception ex)
    {
        _lastError = $"{ex.GetType().Name}: {ex.Message}";
        _lastErrorAt = _time.GetUtcNow();
        if (_degradedReason is not null) return;
        _degradedReason = reason;
        _log.LogWarning("Redis store degraded ({Reason}: {Error}); serving from memory until Redis answers again", reason, _lastError);
        AvailabilityChanged?.Invoke(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        var mux = _mux;
        _mux = null;
        if (mux is not null) await Task.Run(() => mux.Dispose()).ConfigureAwait(false);
        _stop.Dispose();
    }
}
