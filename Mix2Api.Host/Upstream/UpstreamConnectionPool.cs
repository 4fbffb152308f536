using System.Collections.Concurrent;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Idle upstream connections per <see cref="UpstreamEndpoint"/>, the most recently used first, so a quiet period
/// lets the older ones expire. A connection is handed out only while younger than <see cref="PoolLimits.Lifetime"/>,
/// idle for less than <see cref="PoolLimits.IdleTimeout"/> and with nothing to read (the upstream did not close it);
/// a sweep closes the expired ones in the background.
/// </summary>
public sealed class UpstreamConnectionPool : IDisposable
{
    private readonly ConcurrentDictionary<UpstreamEndpoint, ConcurrentStack<UpstreamConnection>> _idle = new();
    private readonly Func<UpstreamEndpoint, PoolLimits> _limits;
    private readonly Timer _sweep;
    private volatile bool _disposed;

    /// <param name="limits">Per endpoint: the configured upstream and dynamic bases keep connections for different times.</param>
    public UpstreamConnectionPool(Func<UpstreamEndpoint, PoolLimits> limits, TimeSpan? sweepInterval = null)
    {
        _limits = limits;
        var interval = sweepInterval ?? TimeSpan.FromSeconds(5);
        _sweep = new Timer(static s => ((UpstreamConnectionPool)s!).Sweep(), this, interval, interval);
    }

    /// <summary>Idle connections held now, for tests and <c>ctl</c>.</summary>
    public int IdleCount
    {
        get
        {
            var n = 0;
            foreach (var stack in _idle.Values) n += stack.Count;
            return n;
        }
    }

    /// <summary>A usable idle connection to <paramref name="endpoint"/>, marked <see cref="UpstreamConnection.Reused"/>; null when there is none.</summary>
    public UpstreamConnection? TryLease(UpstreamEndpoint endpoint)
    {
        if (!_idle.TryGetValue(endpoint, out var stack)) return null;
        var limits = _limits(endpoint);
        var now = Environment.TickCount64;
        while (stack.TryPop(out var connection))
        {
            if (Fresh(connection, limits, now) && connection.IsIdleAndOpen())
            {
                connection.Reused = true;
                return connection;
            }
            connection.Dispose();
        }
        return null;
    }

    /// <summary>Takes back a connection whose response was read to its end; closes it when it may not be kept.</summary>
    public void Return(UpstreamConnection connection)
    {
        var limits = _limits(connection.Endpoint);
        var now = Environment.TickCount64;
        if (_disposed || connection.IsDisposed || !limits.Keep || !Fresh(connection, limits, now))
        {
            connection.Dispose();
            return;
        }
        connection.IdleSince = now;
        _idle.GetOrAdd(connection.Endpoint, static _ => new ConcurrentStack<UpstreamConnection>()).Push(connection);
        if (_disposed) CloseAll();
    }

    private static bool Fresh(UpstreamConnection connection, PoolLimits limits, long now)
        => now - connection.OpenedAt < limits.Lifetime.TotalMilliseconds
            && (connection.IdleSince == 0 || now - connection.IdleSince < limits.IdleTimeout.TotalMilliseconds);

    /// <summary>Closes expired idle connections and forgets endpoints with none left (dynamic bases come and go).</summary>
    internal void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (endpoint, stack) in _idle)
        {
            var limits = _limits(endpoint);
            var keep = new List<UpstreamConnection>();
            while (stack.TryPop(out var connection))
            {
                if (Fresh(connection, limits, now) && connection.IsIdleAndOpen()) keep.Add(connection);
                else connection.Dispose();
            }
            // Oldest first back on, so the most recently used stays on top.
            for (var i = keep.Count - 1; i >= 0; i--) stack.Push(keep[i]);
            if (!stack.IsEmpty || !_idle.TryRemove(new KeyValuePair<UpstreamEndpoint, ConcurrentStack<UpstreamConnection>>(endpoint, stack))) continue;
            // A connection returned between the check and the removal went onto a stack no lease will see.
            while (stack.TryPop(out var late)) late.Dispose();
        }
    }

    private void CloseAll()
    {
        foreach (var stack in _idle.Values)
            while (stack.TryPop(out var connection)) connection.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        _sweep.Dispose();
        CloseAll();
    }
}

/// <summary>How long upstream connections to one endpoint are kept; <see cref="Keep"/> false closes each after its response.</summary>
public sealed record PoolLimits(bool Keep, TimeSpan Lifetime, TimeSpan IdleTimeout);
