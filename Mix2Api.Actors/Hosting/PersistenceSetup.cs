using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Mix2Api.Actors.State;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// The one place that chooses the session journal and snapshot store. The in-memory journal is the embedded
/// default (SESSION_STORE_MODE=memory, or auto without REDIS_URL).
/// <para>INTEGRATION SEAM: with SESSION_STORE_MODE=redis (or auto with REDIS_URL) this must register the
/// project's Redis journal instead — <c>builder.WithRedisPersistence(new RedisPersistenceSettings(options.Store.RedisUrl,
/// options.Sessions.KeyPrefix, options.Sessions.Ttl, options.Store.CommandTimeout, options.Store.ConnectTimeout))</c> —
/// and <see cref="Health"/> must read <c>RedisPersistenceStatus.Get(system)</c>. Until then both modes journal in
/// memory, so sessions do not survive the node that holds them.</para>
/// </summary>
public static class PersistenceSetup
{
    private static readonly Config InMemory = ConfigurationFactory.ParseString("""
        akka.persistence {
          journal.plugin = "akka.persistence.journal.inmem"
          snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        }
        """);

    public static AkkaConfigurationBuilder Configure(AkkaConfigurationBuilder builder, ActorsOptions options)
    {
        _ = options; // the Redis journal reads the store and session options (see the seam above)
        return builder.AddHocon(InMemory, HoconAddMode.Prepend);
    }

    /// <summary>The journal plugin in use (<c>inmem</c> or <c>redis</c>), as <c>/health</c> reports it.</summary>
    public static string JournalPlugin(ActorsOptions options)
    {
        _ = options; // seam: "redis" when options.Store.UseRedis once the Redis journal is registered above
        return "inmem";
    }

    /// <summary>
    /// The journal as <c>/health</c> shows it (<c>session_store</c>, <c>journal</c>). Until the Redis journal is wired
    /// (see the seam above), Redis mode reports the health of the Redis connection the token store uses.
    /// </summary>
    public static StoreHealth Health(ActorSystem? system, ActorsOptions options, IStoreHealthSource redis)
    {
        _ = system;
        return options.Store.UseRedis ? redis.Health : StoreHealth.Memory;
    }
}
