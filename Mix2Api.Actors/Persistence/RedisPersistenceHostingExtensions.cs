using Akka.Hosting;
using Akka.Persistence.Hosting;

namespace Mix2Api.Actors.Persistence;

public static class RedisPersistenceHostingExtensions
{
    /// <summary>
    /// Makes the Redis journal and snapshot store the default persistence plugins, and starts both with the
    /// <see cref="Akka.Actor.ActorSystem"/> so the connection (and <see cref="RedisPersistenceStatus"/>) is live before
    /// the first persistent actor needs it. Throws <see cref="ArgumentException"/> on settings that cannot work.
    /// </summary>
    public static AkkaConfigurationBuilder WithRedisPersistence(this AkkaConfigurationBuilder builder, RedisPersistenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return builder
            .WithJournalAndSnapshot(new RedisJournalOptions(settings), new RedisSnapshotOptions(settings))
            .AddStartup((system, _) =>
            {
                var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
                persistence.JournalFor(null);
                persistence.SnapshotStoreFor(null);
            });
    }
}
