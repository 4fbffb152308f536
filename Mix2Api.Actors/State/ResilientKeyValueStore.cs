using Microsoft.Extensions.Logging;

namespace Mix2Api.Actors.State;

/// <summary>
/// Redis when it is available, memory when it is not, decided per call and never by waiting: a call that
/// finds Redis degraded goes straight to memory, and a Redis call that fails falls back to memory for that
/// call. Successful Redis writes are mirrored into memory (bounded, swept), so a node keeps its own recent
/// sessions and token through an outage. After Redis returns, Redis is the truth again.
/// </summary>
public sealed class ResilientKeyValueStore(RedisConnection connection, MemoryKeyValueStore memory, ILogger<ResilientKeyValueStore> log) : IKeyValueStore
{
    private readonly RedisKeyValueStore _redis = new(connection);

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken)
        => Run(() => _redis.GetAsync(key, cancellationToken), () => memory.GetAsync(key, cancellationToken), null);

    public ValueTask<bool> CompareAndSetAsync(string key, string? expected, string? value, TimeSpan? ttl, CancellationToken cancellationToken)
        => Run(
            () => _redis.CompareAndSetAsync(key, expected, value, ttl, cancellationToken),
            () => memory.CompareAndSetAsync(key, expected, value, ttl, cancellationToken),
            ok => ok ? Mirror(key, value, ttl) : default);

    public async ValueTask SetAsync(string key, string value, TimeSpan? ttl, CancellationToken cancellationToken)
        => await Run(
            async () => { await _redis.SetAsync(key, value, ttl, cancellationToken).ConfigureAwait(false); return true; },
            async () => { await memory.SetAsync(key, value, ttl, cancellationToken).ConfigureAwait(false); return true; },
            _ => Mirror(key, value, ttl)).ConfigureAwait(false);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
        => Run(() => _redis.DeleteAsync(key, cancellationToken), () => memory.DeleteAsync(key, cancellationToken), _ => Mirror(key, null, null));

    public ValueTask<long> IncrementAsync(string key, CancellationToken cancellationToken)
        => Run(() => _redis.IncrementAsync(key, cancellationToken), () => memory.IncrementAsync(key, cancellationToken), null);

    public async ValueTask HashSetAsync(string key, string field, string value, TimeSpan? keyTtl, CancellationToken cancellationToken)
        => await Run(
            async () => { await _redis.HashSetAsync(key, field, value, keyTtl, cancellationToken).ConfigureAwait(false); return true; },
            async () => { await memory.HashSetAsync(key, field, value, keyTtl, cancellationToken).ConfigureAwait(false); return true; },
            null).ConfigureAwait(false);

    public ValueTask<IReadOnlyDictionary<string, string>> HashGetAllAsync(string key, CancellationToken cancellationToken)
        => Run(() => _redis.HashGetAllAsync(key, cancellationToken), () => memory.HashGetAllAsync(key, cancellationToken), null);

    public async ValueTask HashDeleteAsync(string key, string field, CancellationToken cancellationToken)
        => await Run(
            async () => { await _redis.HashDeleteAsync(key, field, cancellationToken).ConfigureAwait(false); return true; },
            async () => { await memory.HashDeleteAsync(key, field, cancellationToken).ConfigureAwait(false); return true; },
            null).ConfigureAwait(false);

    private async ValueTask<T> Run<T>(Func<ValueTask<T>> onRedis, Func<ValueTask<T>> onMemory, Func<T, ValueTask>? mirror)
    {
        if (connection.IsAvailable)
        {
            try
            {
                var result = await onRedis().ConfigureAwait(false);
                if (mirror is not null) await mirror(result).ConfigureAwait(false);
                return result;
            }
            catch (RedisUnavailableException ex)
            {
                log.LogDebug("Redis call fell back to memory: {Reason}", ex.Message);
            }
        }
        return await onMemory().ConfigureAwait(false);
    }

    private async ValueTask Mirror(string key, string? value, TimeSpan? ttl)
    {
        if (value is null) await memory.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        else await memory.SetAsync(key, value, ttl, CancellationToken.None).ConfigureAwait(false);
    }
}
