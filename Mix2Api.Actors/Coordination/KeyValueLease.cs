using System.Globalization;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Coordination;

/// <summary>
/// A <see cref="Lease"/> kept in an <see cref="IKeyValueStore"/> (Redis, or memory for a single node): the key
/// holds <c>owner|fencing</c> with a TTL; acquiring is a compare-and-set from absent, each heartbeat a
/// compare-and-set from our own value that restarts the TTL. Fencing numbers come from a counter, so a
/// later holder always has a larger one.
/// </summary>
public sealed class KeyValueLease : Lease, IAsyncDisposable
{
    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;
    private readonly string _key;
    private readonly Lock _gate = new();
    private string? _value;
    private long _fencing;
    private DateTimeOffset _validUntil;
    private ITimer? _heartbeat;
    private Action<Exception?>? _onLost;
    private int _beating;

    public KeyValueLease(IKeyValueStore store, string key, LeaseSettings settings, TimeProvider time) : base(settings.Validate())
    {
        _store = store;
        _key = key;
        _time = time;
    }

    public override long Fencing
    {
        get { lock (_gate) return _value is null ? 0 : _fencing; }
    }

    /// <summary>Who holds the lease at <paramref name="key"/>, as stored (for health and admin views).</summary>
    public static async Task<(string Owner, long Fencing)?> ReadHolderAsync(IKeyValueStore store, string key, CancellationToken cancellationToken)
    {
        var raw = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var bar = raw?.LastIndexOf('|') ?? -1;
        if (raw is null || bar < 0 || !long.TryParse(raw.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var fencing)) return null;
        return (raw[..bar], fencing);
    }

    public override async Task<bool> AcquireAsync(Action<Exception?> onLost, CancellationToken cancellationToken)
    {
        if (CheckLease()) return true;
        var current = await ReadHolderAsync(_store, _key, cancellationToken).ConfigureAwait(false);
        if (current is { } held && held.Owner != Settings.Owner) return false;
        var fencing = await _store.IncrementAsync(_key + ":fencing", cancellationToken).ConfigureAwait(false);
        var value = $"{Settings.Owner}|{fencing.ToString(CultureInfo.InvariantCulture)}";
        var expected = current is { } mine ? $"{mine.Owner}|{mine.Fencing.ToString(CultureInfo.InvariantCulture)}" : null;
        var started = _time.GetUtcNow();
        if (!await _store.CompareAndSetAsync(_key, expected, value, Settings.Ttl, cancellationToken).ConfigureAwait(false)) return false;
        lock (_gate)
        {
            _value = value;
            _fencing = fencing;
            _validUntil = started + Settings.Ttl;
            _onLost = onLost;
            _heartbeat?.Dispose();
            _heartbeat = _time.CreateTimer(_ => _ = BeatAsync(), null, Settings.HeartbeatInterval, Settings.HeartbeatInterval);
        }
        return true;
    }

    public override async Task<bool> ReleaseAsync()
    {
        string? value;
        lock (_gate)
        {
            value = _value;
            _value = null;
            _onLost = null;
            _heartbeat?.Dispose();
            _heartbeat = null;
        }
        if (value is null) return false;
        return await _store.CompareAndSetAsync(_key, value, null, null, CancellationToken.None).ConfigureAwait(false);
    }

    public override bool CheckLease()
    {
        lock (_gate) return _value is not null && _time.GetUtcNow() < _validUntil;
    }

    /// <summary>Stop heartbeating without releasing: what a crashed node looks like to the others (tests, hard stop).</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _value = null;
            _onLost = null;
            _heartbeat?.Dispose();
            _heartbeat = null;
        }
    }

    private async Task BeatAsync()
    {
        if (Interlocked.Exchange(ref _beating, 1) == 1) return;
        try
        {
            string? value;
            lock (_gate) value = _value;
            if (value is null) return;
            var started = _time.GetUtcNow();
            bool renewed;
            try
            {
                renewed = await _store.CompareAndSetAsync(_key, value, value, Settings.Ttl, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Unknown outcome: keep trying until the TTL runs out, then give up the claim.
                if (_time.GetUtcNow() >= ValidUntil()) Lost(value, ex);
                return;
            }
            if (renewed)
            {
                lock (_gate)
                {
                    if (_value == value) _validUntil = started + Settings.Ttl;
                }
            }
            else
            {
                Lost(value, new LeaseLostException(Settings.Name, "taken by another owner or expired"));
            }
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
    }

    private DateTimeOffset ValidUntil()
    {
        lock (_gate) return _validUntil;
    }

    private void Lost(string value, Exception reason)
    {
        Action<Exception?>? onLost;
        lock (_gate)
        {
            if (_value != value) return;
            onLost = _onLost;
            _value = null;
            _onLost = null;
            _heartbeat?.Dispose();
            _heartbeat = null;
        }
        onLost?.Invoke(reason);
    }

    public ValueTask DisposeAsync()
    {
        Abandon();
        return ValueTask.CompletedTask;
    }
}
