namespace Mix2Api.Actors.Persistence;

/// <summary>The Lua scripts that make each write atomic. KEYS are always <see cref="RedisKeys.All"/>.</summary>
internal static class RedisScripts
{
    /// <summary>
    /// Appends one AtomicWrite, conditional on the expected highest sequence nr (the first event's nr − 1), then sets
    /// the new highest and refreshes the TTL of every key of the persistence id (PERSIST when there is no TTL).
    /// A missing highest key (never written, or expired) accepts the write: there is no other writer's data to
    /// protect. ARGV: expected, new highest, ttl ms, then score/member pairs; without pairs (a rejected write) only
    /// the highest moves on. Returns {1} or {0, stored highest}.
    /// </summary>
    public const string WriteEvents = """
        local stored = redis.call('GET', KEYS[2])
        if stored and tonumber(stored) ~= tonumber(ARGV[1]) then
          return {0, tonumber(stored)}
        end
        for i = 4, #ARGV, 2 do
          redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        redis.call('SET', KEYS[2], ARGV[2])
        local ttl = tonumber(ARGV[3])
        for i = 1, #KEYS do
          if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) else redis.call('PERSIST', KEYS[i]) end
        end
        return {1}
        """;

    /// <summary>
    /// Saves a snapshot, replacing any other at the same sequence nr, and refreshes the TTL of every key of the
    /// persistence id. ARGV: sequence nr, member, ttl ms.
    /// </summary>
    public const string SaveSnapshot = """
        redis.call('ZREMRANGEBYSCORE', KEYS[3], ARGV[1], ARGV[1])
        redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
        local ttl = tonumber(ARGV[3])
        for i = 1, #KEYS do
          if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) else redis.call('PERSIST', KEYS[i]) end
        end
        return 1
        """;
}
