namespace Mix2Api.Actors.State;

/// <summary>
/// The few primitives every cluster role needs (the Akka.Persistence / DistributedData stand-in): plain
/// values with a TTL, an atomic compare-and-set, a counter and a small hash. Implemented in memory and on
/// Redis; <see cref="ResilientKeyValueStore"/> picks between them per call.
/// </summary>
public interface IKeyValueStore
{
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically: if the key's current value equals <paramref name="expected"/> (null = key absent), replace it
    /// with <paramref name="value"/> (null = delete) and return true; otherwise change nothing and return false.
    /// The value is written whole or not at all.
    /// </summary>
    ValueTask<bool> CompareAndSetAsync(string key, string? expected, string? value, TimeSpan? ttl, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, string value, TimeSpan? ttl, CancellationToken cancellationToken);

    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Increment a counter (created at 0) and return the new value; used for fencing numbers.</summary>
    ValueTask<long> IncrementAsync(string key, CancellationToken cancellationToken);

    /// <summary>Set one field of a hash and (re)start the whole hash's TTL.</summary>
    ValueTask HashSetAsync(string key, string field, string value, TimeSpan? keyTtl, CancellationToken cancellationToken);

    ValueTask<IReadOnlyDictionary<string, string>> HashGetAllAsync(string key, CancellationToken cancellationToken);

    ValueTask HashDeleteAsync(string key, string field, CancellationToken cancellationToken);
}
