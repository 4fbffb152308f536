namespace Mix2Api.Actors.State;

/// <summary>
/// The embedded store: one lock around a dictionary (operations are tiny, so a lock beats lock-free cleverness
/// here). Expiry is judged with the injected <see cref="TimeProvider"/>; <see cref="Sweep"/> (run on a timer by
/// the host) drops expired entries, and the size is bounded: when full, the entries closest to expiry go first.
/// </summary>
public sealed class MemoryKeyValueStore(TimeProvider time, int maxEntries = 100_000) : IKeyValueStore
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(Live(key)?.Value as string);
    }

    public ValueTask<bool> CompareAndSetAsync(string key, string? expected, string? value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = Live(key)?.Value as string;
            if (!string.Equals(current, expected, StringComparison.Ordinal)) return ValueTask.FromResult(false);
            if (value is null) _entries.Remove(key);
            else Put(key, value, ttl);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask SetAsync(string key, string value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        lock (_gate) Put(key, value, ttl);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(_entries.Remove(key));
    }

    public ValueTask<long> IncrementAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var next = (Live(key)?.Value is string s && long.TryParse(s, out var n) ? n : 0) + 1;
            Put(key, next.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
            return ValueTask.FromResult(next);
        }
    }

    public ValueTask HashSetAsync(string key, string field, string value, TimeSpan? keyTtl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var map = Live(key)?.Value as Dictionary<string, string> ?? new Dictionary<string, string>(StringComparer.Ordinal);
            map[field] = value;
            Put(key, map, keyTtl);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyDictionary<string, string>> HashGetAllAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, string> copy = Live(key)?.Value is Dictionary<string, string> map
                ? new Dictionary<string, string>(map, StringComparer.Ordinal)
                : new Dictionary<string, string>();
            return ValueTask.FromResult(copy);
        }
    }

    public ValueTask HashDeleteAsync(string key, string field, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Live(key)?.Value is Dictionary<string, string> map) map.Remove(field);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Drop expired entries; returns how many went.</summary>
    public int Sweep()
    {
        lock (_gate) return SweepLocked();
    }

    private int SweepLocked()
    {
        var now = time.GetUtcNow();
        List<string>? dead = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now) (dead ??= []).Add(key);
        }
        if (dead is null) return 0;
        foreach (var key in dead) _entries.Remove(key);
        return dead.Count;
    }

    private Entry? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var entry)) return null;
        if (entry.ExpiresAt > time.GetUtcNow()) return entry;
        _entries.Remove(key);
        return null;
    }

    private void Put(string key, object value, TimeSpan? ttl)
    {
        if (!_entries.ContainsKey(key) && _entries.Count >= maxEntries) MakeRoom();
        _entries[key] = new Entry(value, ttl is { } t ? time.GetUtcNow() + t : DateTimeOffset.MaxValue);
    }

    private void MakeRoom()
    {
        if (SweepLocked() > 0 && _entries.Count < maxEntries) return;
        // Still full: evict the tenth closest to expiry. Rare and O(n log n), never on a per-chunk path.
        var victims = _entries.OrderBy(e => e.Value.ExpiresAt).Take(Math.Max(1, maxEntries / 10)).Select(e => e.Key).ToList();
        foreach (var key in victims) _entries.Remove(key);
    }

    private sealed record Entry(object Value, DateTimeOffset ExpiresAt);
}
