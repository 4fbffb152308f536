using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Mix2Api.Actors.Persistence;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// An actor system with the in-memory expiring journal and snapshot store as the hosting options write them, and a
/// <see cref="TimeProvider"/> in its dependency resolver, as the host provides one.
/// </summary>
public static class ExpiringMemoryTestConfig
{
    public static ActorSystemSetup For(TimeProvider time, TimeSpan ttl)
    {
        var journal = new ExpiringMemoryJournalOptions(ttl);
        var snapshots = new ExpiringMemorySnapshotOptions(ttl);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(journal.ToConfig())
            .WithFallback(snapshots.ToConfig())
            .WithFallback(journal.DefaultConfig)
            .WithFallback(snapshots.DefaultConfig);
        var services = new ServiceCollection().AddSingleton(time).BuildServiceProvider();
        return BootstrapSetup.Create().WithConfig(config).And(DependencyResolverSetup.Create(services));
    }
}
