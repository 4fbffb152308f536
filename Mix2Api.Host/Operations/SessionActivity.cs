using System.Collections.Concurrent;

namespace Mix2Api.Host.Operations;

/// <summary>
/// What this node has seen of each session key (fingerprints only): completed turns, the upstream session and when
/// it was first used. One dictionary write per chat request; bounded, the least recently used keys go first. Requests
/// record from many threads at once: trimming works on a snapshot, and one request trims while the others go on.
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
    private int _trimming;

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
        if (Interlocked.Exchange(ref _trimming, 1) == 1) return;
        try
        {
            // ToArray takes a consistent snapshot; enumerating or sorting the live dictionary while other requests
            // add keys throws (ICollection.CopyTo sized from a count that has grown since).
            var snapshot = _entries.ToArray();
            var excess = snapshot.Length - maxEntries * 9 / 10;
            if (excess <= 0) return;
            Array.Sort(snapshot, static (a, b) => a.Value.LastSeen.CompareTo(b.Value.LastSeen));
            for (var i = 0; i < excess; i++) _entries.TryRemove(snapshot[i].Key, out _);
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }
}
