using Akka.Hosting;
using Akka.Persistence.Hosting;

namespace Mix2Api.Actors.Persistence;

public static class ExpiringMemoryPersistenceHostingExtensions
{
    /// <summary>
    /// Makes the in-memory journal and snapshot store whose sessions expire <paramref name="ttl"/> after their last
    /// write the default persistence plugins, and starts both with the <see cref="Akka.Actor.ActorSystem"/> so the
    /// sweep runs from the start.
    /// </summary>
    public static AkkaConfigurationBuilder WithExpiringMemoryPersistence(this AkkaConfigurationBuilder builder, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        return builder
            .WithJournalAndSnapshot(new ExpiringMemoryJournalOptions(ttl), new ExpiringMemorySnapshotOptions(ttl))
            .AddStartup((system, _) =>
            {
                var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
                persistence.JournalFor(null);
                persistence.SnapshotStoreFor(null);
            });
    }
}
