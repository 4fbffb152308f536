using System.Net.Sockets;
using Akka.Event;
using StackExchange.Redis;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// One plugin's Redis connection. Connects in the background and keeps reconnecting (a plugin must start even while
/// Redis is down); every command is bounded by the command timeout and fails at once while disconnected, so a
/// journal call never hangs on Redis. Failures and connection changes go to <see cref="RedisPersistenceStatus"/>.
/// </summary>
internal sealed class RedisPersistenceConnection : IDisposable
{
    private readonly RedisPersistenceSettings _settings;
    private readonly RedisPersistenceStatus _status;
    private readonly string? _password;
    private readonly Task<ConnectionMultiplexer> _connecting;
    private readonly Func<bool> _isConnected;
    private readonly ILoggingAdapter _log;
    private int _down;

    public RedisPersistenceConnection(RedisPersistenceSettings settings, RedisPersistenceStatus status, ILoggingAdapter log, string clientName)
    {
        _settings = settings;
        _status = status;
        _log = log;
        var options = RedisConnectionString.Parse(settings.ConfigurationString);
        _password = string.IsNullOrEmpty(options.Password) ? null : options.Password;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Millis(settings.ConnectTimeout);
        options.SyncTimeout = Millis(settings.CommandTimeout);
        options.AsyncTimeout = Millis(settings.CommandTimeout);
        // While disconnected, fail commands at once instead of queueing them until the timeout.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = clientName;
        _connecting = ConnectAsync(options);
        _isConnected = () => _connecting is { IsCompletedSuccessfully: true, Result.IsConnected: true };
        status.Attach(_isConnected);
    }

    /// <summary>Runs one command under the command timeout; connection problems become <see cref="RedisPersistenceUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        try
        {
            // Only the first commands after start-up can find the connection still being made.
            var mux = await _connecting.WaitAsync(_settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return await command(mux.GetDatabase()).WaitAsync(_settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex)
        {
            // Redis answered with an error (BUSY, LOADING, READONLY after a failover, …): the call fails as it is.
            _status.RecordError($"{ex.GetType().Name}: {Redact(ex.Message)}");
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException or SocketException or ObjectDisposedException)
        {
            var reason = ex is TimeoutException ? $"no answer within {Millis(_settings.CommandTimeout)} ms" : Redact(ex.Message);
            _status.RecordError($"{ex.GetType().Name}: {reason}");
            throw new RedisPersistenceUnavailableException(reason);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options)
    {
        // abortConnect=false: this returns even when Redis is down and keeps reconnecting by itself.
        var mux = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        mux.ConnectionFailed += (_, e) => MarkDown($"{e.FailureType}: {Redact(e.Exception?.Message ?? "connection lost")}");
        mux.ConnectionRestored += (_, _) => MarkUp();
        if (!mux.IsConnected) MarkDown("UnableToConnect: Redis did not answer the first connection attempt");
        return mux;
    }

    // Reconnect attempts fail again and again during an outage: the status keeps the latest, the log only the change.
    private void MarkDown(string error)
    {
        _status.RecordError(error);
        if (Interlocked.Exchange(ref _down, 1) == 0)
            _log.Warning("Redis persistence connection down ({0}); journal and snapshot calls fail until it is back", error);
    }

    private void MarkUp()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
            _log.Info("Redis persistence connection restored");
    }

    private string Redact(string message) => _password is null ? message : message.Replace(_password, "***", StringComparison.Ordinal);

    private static int Millis(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);

    public void Dispose()
    {
        _status.Detach(_isConnected);
        // The multiplexer's Dispose waits for its sockets; keep that off the actor thread.
        _ = _connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}
