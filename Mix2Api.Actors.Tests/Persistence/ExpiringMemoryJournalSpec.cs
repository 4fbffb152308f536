using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The journal contract for the in-memory expiring journal (well within its TTL), which stamps events with the host's clock.</summary>
public sealed class ExpiringMemoryJournalSpec : JournalContract
{
    private readonly TestTimeProvider _time;

    public ExpiringMemoryJournalSpec(ITestOutputHelper output) : this(new TestTimeProvider(), output)
    {
    }

    private ExpiringMemoryJournalSpec(TestTimeProvider time, ITestOutputHelper output)
        : base(ExpiringMemoryTestConfig.For(time, TimeSpan.FromMinutes(30)), output) => _time = time;

    protected override void AssertStampedWithTheWriteTime(long timestampTicks, DateTime before, DateTime after) =>
        Assert.Equal(_time.GetUtcNow().UtcTicks, timestampTicks);

    [Fact]
    public void The_plugins_are_the_default_journal_and_snapshot_store()
    {
        Assert.Equal("akka.persistence.journal.memory", Sys.Settings.Config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.memory", Sys.Settings.Config.GetString("akka.persistence.snapshot-store.plugin"));
    }

    [Fact]
    public void The_hosting_extension_refuses_a_ttl_that_is_not_positive()
    {
        var builder = new Akka.Hosting.AkkaConfigurationBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection(), "x");

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithExpiringMemoryPersistence(TimeSpan.Zero));
    }
}
