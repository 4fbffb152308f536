using Akka.Actor;
using Akka.Hosting;
using Mix2Api.Actors.Persistence;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// The one place that chooses the session journal and snapshot store: the project's Redis plugin when
/// SESSION_STORE_MODE resolves to redis (shared by stable and canary, keys under REDIS_SESSION_PREFIX, expiring
/// SESSION_TTL_MS after the last write), else the project's in-memory journal and snapshot store (the embedded default),
/// whose sessions expire SESSION_TTL_MS after the last write as well.
/// </summary>
public static class PersistenceSetup
{
    public static AkkaConfigurationBuilder Configure(AkkaConfigurationBuilder builder, ActorsOptions options)
    {
        if (!options.Store.UseRedis) return builder.WithExpiringMemoryPersistence(options.Sessions.Ttl);
        return builder.WithRedisPersistence(new RedisPersistenceSettings(options.Store.RedisUrl!)
        {
            KeyPrefix = options.Sessions.KeyPrefix,
            Ttl = options.Sessions.Ttl,
            CommandTimeout = options.Store.JournalCommandTimeout,
            ConnectTimeout = options.Store.ConnectTimeout,
        });
    }

    /// <summary>The journal plugin in use (<c>inmem</c> or <c>redis</c>), as <c>/health</c> reports it.</summary>
    public static string JournalPlugin(ActorsOptions options) => options.Store.UseRedis ? "redis" : "inmem";

    /// <summary>The journal as <c>/health</c> shows it (<c>session_store</c>, <c>journal</c>).</summary>
    public static StoreHealth Health(ActorSystem? system, ActorsOptions options)
    {
        if (!options.Store.UseRedis) return StoreHealth.Memory;
        if (system is null) return new StoreHealth("redis", true, false, "starting", null, null);
        var status = RedisPersistenceStatus.Get(system);
        var reason = !status.Connected ? "journal unreachable"
            : status.LastConflictAt is { } at && at > DateTimeOffset.UtcNow.AddMinutes(-5) ? "sequence conflict (another cluster writes the same sessions)"
            : null;
        return new StoreHealth("redis", reason is not null, status.Connected, reason, status.LastError, status.LastErrorAt);
    }

    /// <summary>Journal writes refused because another writer moved the sequence on (split brain on shared Redis).</summary>
    public static long SequenceConflicts(ActorSystem? system, ActorsOptions options)
        => options.Store.UseRedis && system is not null ? RedisPersistenceStatus.Get(system).SequenceConflicts : 0;
}
