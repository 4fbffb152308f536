using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Persistence;

/// <summary><see cref="RedisPersistenceHostingExtensions.WithRedisPersistence"/> as the host uses it, through Akka.Hosting.</summary>
public sealed class RedisPersistenceHostingTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_plugins_are_the_default_start_with_the_system_and_keep_state_across_restarts()
    {
        var settings = RedisPersistenceTestConfig.Settings(redis);
        var pid = RedisPersistenceTestConfig.NewPersistenceId();

        using (var host = await StartAsync(settings))
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.Equal("akka.persistence.journal.redis", system.Settings.Config.GetString("akka.persistence.journal.plugin"));
            Assert.Equal("akka.persistence.snapshot-store.redis", system.Settings.Config.GetString("akka.persistence.snapshot-store.plugin"));
            // Connected before any persistent actor exists: /health is meaningful from start-up.
            var status = RedisPersistenceStatus.Get(system);
            await Eventually.TrueAsync(() => status.Connected, Max, "the Redis plugins did not connect at start-up");

            var log = system.ActorOf(EventLogActor.Props(pid));
            await log.Ask<EventLogActor.Appended>(new EventLogActor.Append("before restart"), Max);
            await host.StopAsync();
        }

        using (var host = await StartAsync(settings))
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var events = await system.ActorOf(EventLogActor.Props(pid)).Ask<EventLogActor.Events>(EventLogActor.GetEvents.Instance, Max);
            Assert.Equal(["before restart"], events.Items);
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("", "mix2api", "configuration string")]
    [InlineData("redis://127.0.0.1:6379/zero", "mix2api", "database")]
    [InlineData("redis://127.0.0.1:6379", "has space", "key prefix")]
    [InlineData("redis://127.0.0.1:6379", "{tag}", "key prefix")]
    public void Settings_that_cannot_work_are_refused_with_a_clear_message(string configuration, string prefix, string mentions)
    {
        var settings = new RedisPersistenceSettings(configuration) { KeyPrefix = prefix };
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "mix2api");

        var error = Assert.Throws<ArgumentException>(() => builder.WithRedisPersistence(settings));

        Assert.Contains(mentions, error.Message);
    }

    [Fact]
    public void A_negative_ttl_or_zero_timeout_is_refused()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "mix2api");

        Assert.Throws<ArgumentException>(() => builder.WithRedisPersistence(new RedisPersistenceSettings(redis.ConnectionString) { Ttl = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentException>(() => builder.WithRedisPersistence(new RedisPersistenceSettings(redis.ConnectionString) { CommandTimeout = TimeSpan.Zero }));
    }

    private static async Task<IHost> StartAsync(RedisPersistenceSettings settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("mix2api", akka => akka.WithRedisPersistence(settings));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
