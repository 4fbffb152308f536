using System.Collections.Concurrent;

namespace Mix2Api.Host.Operations;

/// <summary>What is counted per request in an <see cref="OutcomeWindow"/>.</summary>
public enum Outcome
{
    Requests,
    Streams,
    AdapterErrors,
    Http5xx,
    BrokenStreams,
    ClientAborts,
    /// <summary>Requests that failed on our or the upstream's side (5xx status or a failing end_reason).</summary>
    Failures,
    /// <summary>Requests whose end_reason is unknown (a bug: attribution must stay ≥ 99 %).</summary>
    Unattributed,
    ToolLoopsClosed,
    ToolLoopsFailed,
}

/// <summary>
/// Counts per key over a sliding window made of fixed buckets (e.g. 15 minutes of 10-second buckets): recording is
/// one lock and a few increments on the key's ring; a sum covers the buckets still inside the window. Old buckets are
/// overwritten in place, so memory is fixed per key.
/// </summary>
public sealed class OutcomeWindow<TKey>(TimeSpan length, TimeSpan bucket, TimeProvider time) where TKey : notnull
{
    private static readonly int Fields = Enum.GetValues<Outcome>().Length;
    private readonly int _buckets = (int)Math.Max(1, Math.Ceiling(length / bucket));
    private readonly long _bucketTicks = bucket.Ticks;
    private readonly ConcurrentDictionary<TKey, Ring> _rings = new();

    public TimeSpan Length => length;

    private sealed class Ring(int buckets, int fields)
    {
        public readonly long[] Epochs = Enumerable.Repeat(long.MinValue, buckets).ToArray();
        public readonly long[] Counts = new long[buckets * fields];
    }

    /// <summary>Adds one request's outcomes (each listed field counts once).</summary>
    public void Add(TKey key, ReadOnlySpan<Outcome> outcomes)
    {
        var epoch = time.GetUtcNow().UtcTicks / _bucketTicks;
        var ring = _rings.GetOrAdd(key, static (_, s) => new Ring(s._buckets, Fields), this);
        var slot = (int)(epoch % _buckets);
        lock (ring)
        {
            if (ring.Epochs[slot] != epoch)
            {
                ring.Epochs[slot] = epoch;
                Array.Clear(ring.Counts, slot * Fields, Fields);
            }
            foreach (var outcome in outcomes) ring.Counts[slot * Fields + (int)outcome]++;
        }
    }

    /// <summary>Per key, the sums over the window ending now; keys with nothing in the window are left out.</summary>
    public IReadOnlyList<(TKey Key, long[] Counts)> Sums()
    {
        var now = time.GetUtcNow().UtcTicks / _bucketTicks;
        var result = new List<(TKey, long[])>();
        foreach (var (key, ring) in _rings)
        {
            var sums = new long[Fields];
            lock (ring)
            {
                for (var slot = 0; slot < _buckets; slot++)
                {
                    var age = now - ring.Epochs[slot];
                    if (age < 0 || age >= _buckets) continue;
                    for (var f = 0; f < Fields; f++) sums[f] += ring.Counts[slot * Fields + f];
                }
            }
            if (sums.Any(v => v > 0)) result.Add((key, sums));
        }
        return result;
    }
}
