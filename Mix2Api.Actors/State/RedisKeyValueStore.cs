using System.Globalization;
using StackExchange.Redis;

namespace Mix2Api.Actors.State;

/// <summary>
/// <see cref="IKeyValueStore"/> on Redis through <see cref="RedisConnection"/> (short timeouts, failures throw
/// <see cref="RedisUnavailableException"/>). Compare-and-set is one Lua script, so a record is replaced whole
/// or not at all even when the client aborts or times out mid-call (StackExchange.Redis 1.2.6 supports
/// EVAL; its WATCH-based conditions would need a transaction per call and offer nothing more here).
/// </summary>
public sealed class RedisKeyValueStore(RedisConnection connection) : IKeyValueStore
{
    private const string CompareAndSetScript = """
        local cur = redis.call('GET', KEYS[1])
        if ARGV[1] == '0' then
          if cur then return 0 end
        elseif cur ~= ARGV[2] then
          return 0
        end
        if ARGV[3] == 'del' then
          redis.call('DEL', KEYS[1])
        elseif ARGV[5] ~= '0' then
          redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
        else
          redis.call('SET', KEYS[1], ARGV[4])
        end
        return 1
        """;

    public async ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await connection.ExecuteAsync(db => db.StringGetAsync(key), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : (string?)value;
    }

    public async ValueTask<bool> CompareAndSetAsync(string key, string? expected, string? value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        RedisValue[] args =
        [
            expected is null ? "0" : "1",
            expected ?? "",
            value is null ? "del" : "set",
            value ?? "",
            Milliseconds(ttl),
        ];
        var result = await connection.ExecuteAsync(db => db.ScriptEvaluateAsync(CompareAndSetScript, [key], args), cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async ValueTask SetAsync(string key, string value, TimeSpan? ttl, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(db => db.StringSetAsync(key, value, ttl, When.Always), cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(db => db.KeyDeleteAsync(key), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> IncrementAsync(string key, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(db => db.StringIncrementAsync(key), cancellationToken).ConfigureAwait(false);

    public async ValueTask HashSetAsync(string key, string field, string value, TimeSpan? keyTtl, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(async db =>
        {
            var set = db.HashSetAsync(key, field, value);
            var expire = keyTtl is { } ttl ? db.KeyExpireAsync(key, ttl) : Task.FromResult(true);
            await Task.WhenAll(set, expire).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> HashGetAllAsync(string key, CancellationToken cancellationToken)
    {
        var entries = await connection.ExecuteAsync(db => db.HashGetAllAsync(key), cancellationToken).ConfigureAwait(false);
        var map = new Dictionary<string, string>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries) map[(string)entry.Name!] = (string)entry.Value!;
        return map;
    }

    public async ValueTask HashDeleteAsync(string key, string field, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(db => db.HashDeleteAsync(key, field), cancellationToken).ConfigureAwait(false);

    private static string Milliseconds(TimeSpan? ttl)
        => ttl is { } t ? Math.Max(1, (long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "0";
}
