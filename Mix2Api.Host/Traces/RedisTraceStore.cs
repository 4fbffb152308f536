using System.Text.Json;
using Mix2Api.Actors.State;
using Mix2Api.Host.Admin;
using StackExchange.Redis;

namespace Mix2Api.Host.Traces;

/// <summary>
/// Traces in Redis, shared by every node: each is one key with PEXPIRE = TRACE_RETENTION_MS (Redis deletes it), and an
/// index sorted set by creation time (trimmed to the retention on every save). When Redis is unavailable the trace is
/// kept in this node's memory instead, and reads include both.
/// </summary>
public sealed class RedisTraceStore(RedisConnection redis, string keyPrefix, TimeSpan retention, MemoryTraceStore fallback,
    ILogger<RedisTraceStore> log) : ITraceStore
{
    private readonly string _index = $"{keyPrefix}:traces";

    private string Key(string traceId) => $"{keyPrefix}:trace:{traceId}";

    public async Task SaveAsync(TraceSummary trace, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(trace, AdminJson.Options);
        var created = trace.CreatedAt.ToUnixTimeMilliseconds();
        try
        {
            await redis.ExecuteAsync(async db =>
            {
                var batch = db.CreateBatch();
                var set = batch.StringSetAsync(Key(trace.TraceId), json, retention);
                var add = batch.SortedSetAddAsync(_index, trace.TraceId, created);
                var trim = batch.SortedSetRemoveRangeByScoreAsync(_index, double.NegativeInfinity, created - retention.TotalMilliseconds);
                var expire = batch.KeyExpireAsync(_index, retention);
                batch.Execute();
                await Task.WhenAll(set, add, trim, expire);
                return true;
            }, cancellationToken);
        }
        catch (RedisUnavailableException ex)
        {
            log.LogDebug("trace {TraceId} kept in memory: {Reason}", trace.TraceId, ex.Message);
            await fallback.SaveAsync(trace, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<TraceSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var local = await fallback.ListAsync(limit, cancellationToken);
        try
        {
            var shared = await redis.ExecuteAsync(async db =>
            {
                var ids = await db.SortedSetRangeByRankAsync(_index, 0, limit - 1, Order.Descending);
                if (ids.Length == 0) return [];
                var values = await db.StringGetAsync(ids.Select(id => (RedisKey)Key(id!)).ToArray());
                return values.Where(v => v.HasValue).Select(v => JsonSerializer.Deserialize<TraceSummary>(v.ToString(), AdminJson.Options)!).ToList();
            }, cancellationToken);
            return shared.Concat(local).OrderByDescending(t => t.CreatedAt).Take(limit).ToList();
        }
        catch (RedisUnavailableException)
        {
            return local;
        }
    }

    public async Task<TraceSummary?> FindAsync(string traceId, CancellationToken cancellationToken)
    {
        if (await fallback.FindAsync(traceId, cancellationToken) is { } local) return local;
        try
        {
            var value = await redis.ExecuteAsync(db => db.StringGetAsync(Key(traceId)), cancellationToken);
            return value.HasValue ? JsonSerializer.Deserialize<TraceSummary>(value.ToString(), AdminJson.Options) : null;
        }
        catch (RedisUnavailableException)
        {
            return null;
        }
    }
}
