using System.Collections.Concurrent;

namespace Mix2Api.Host.Operations;

/// <summary>
/// What this node has seen of each session key (fingerprints only): completed turns, the upstream session and when
/// it was first used. One dictionary write per chat request; bounded, the least recently used keys go first.
/// </summary>
public sealed class SessionActivity(TimeProvider time, int maxEntries = 10_000)
{
    public sealed class Entry(DateTimeOffset firstSeen)
    {
        public DateTimeOffset FirstSeen { get; } = firstSeen;
        public DateTimeOffset LastSeen { get; set; } = firstSeen;
        public string? UpstreamSessionFp { get; set; }
        public long Turns;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Record(string keyFp, string? upstreamSessionFp)
    {
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(keyFp, static (_, t) => new Entry(t), now);
        Interlocked.Increment(ref entry.Turns);
        entry.LastSeen = now;
        if (upstreamSessionFp is not null) entry.UpstreamSessionFp = upstreamSessionFp;
        if (_entries.Count > maxEntries) Trim();
    }

    public Entry? Find(string keyFp) => _entries.GetValueOrDefault(keyFp);

    private void Trim()
    {
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastSeen).Take(_entries.Count - maxEntries * 9 / 10))
            _entries.TryRemove(key, out _);
    }
}
