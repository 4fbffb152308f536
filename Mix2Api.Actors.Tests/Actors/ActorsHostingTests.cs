using Akka.DistributedData;
using Akka.Actor;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Hosting;
using Akka.Hosting;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The DI entry point as the host uses it: generic hosts, real Redis, real token endpoint.</summary>
public sealed class ActorsHostingTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    public ActorsHostingTests(RedisServerFixture redis) => _redis = redis;

    private static async Task<IHost> StartHostAsync(ActorsOptions options)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterNodeOptions.SystemName, (akka, sp) => akka.AddMix2ApiActors(options, sp, AkkaConfigFiles.DefaultDirectory));
        builder.Services.AddMix2ApiActors(options);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static readonly ClusterNodeOptions OneNode = new() { Port = 0 };

    private ActorsOptions Clustered(string nodeId, string channel, string tokenBase, int port, int seedPort) => new()
    {
        UpstreamAuthMode = "managed",
        KeyPrefix = _prefix,
        Store = new StoreOptions { RedisUrl = _redis.ConnectionString, PingInterval = TimeSpan.FromMilliseconds(100), CommandTimeout = TimeSpan.FromSeconds(2) },
        Sessions = new SessionOptions { KeyPrefix = $"{_prefix}:session" },
        Token = new TokenOptions { ApiBase = tokenBase },
        Cluster = new ClusterNodeOptions { NodeId = nodeId, Channel = channel, Port = port, SeedNodes = [AkkaTestConfig.SeedOf(seedPort)] },
    };

    [Fact]
    public async Task The_embedded_default_serves_sessions_from_memory_with_a_static_credential()
    {
        using var host = await StartHostAsync(new ActorsOptions { UpstreamBearerToken = "static-token", Cluster = OneNode });
        var region = host.Services.GetRequiredService<ISessionRegion>();
        await using (var turn = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(1)), CancellationToken.None))
        {
            turn.OnUpstreamIds("s-1", null);
            await turn.CompleteAsync(CancellationToken.None);
        }
        await using var next = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None);
        var credentials = host.Services.GetRequiredService<ICredentialProvider>();
        var status = host.Services.GetRequiredService<ActorsStatus>().Get();

        Assert.Equal("s-1", next.SessionId);
        Assert.Equal("static", credentials.Mode);
        Assert.Equal("static-token", (await credentials.GetAsync(null, CancellationToken.None)).BearerToken);
        Assert.Equal(("memory", false), (status.Journal.Mode, status.Journal.Degraded));
        var self = Assert.Single(status.Cluster.Members);
        Assert.Equal(("stable", "up", true, status.Cluster.Self), (self.Channel, self.Status, self.Reachable, self.Address));
        Assert.StartsWith("akka.tcp://mix2api@127.0.0.1:", status.Cluster.Self, StringComparison.Ordinal);
        Assert.Null(status.LocalToken);
        await host.StopAsync();
    }

    [Fact]
    public async Task Managed_mode_runs_the_token_manager_on_the_actor_system_and_reports_it_by_fingerprint()
    {
        await using var endpoint = await TokenEndpoint.StartAsync();
        var seedPort = FreePort.Next();
        using var stable = await StartHostAsync(Clustered("node-stable", "stable", endpoint.BaseUrl, seedPort, seedPort));
        using var canary = await StartHostAsync(Clustered("node-canary", "canary", endpoint.BaseUrl, 0, seedPort));
        var stableStatus = stable.Services.GetRequiredService<ActorsStatus>();
        var credentials = stable.Services.GetRequiredService<ICredentialProvider>();

        var token = await credentials.GetAsync(null, CancellationToken.None);
        var again = await canary.Services.GetRequiredService<ICredentialProvider>().GetAsync(null, CancellationToken.None);
        TokenStatus? singleton = null;
        await Eventually.TrueAsync(async () =>
            stableStatus.Cluster.Members.Count(m => m.Status == "up") == 2
            && (singleton = await stableStatus.TokenStatusAsync(CancellationToken.None)) is not null,
            TimeSpan.FromSeconds(20), "both members and the token singleton never showed up");
        var status = stableStatus.Get();

        Assert.Equal("managed", credentials.Mode);
        Assert.Equal(("tok-1", "tok-1"), (token.BearerToken, again.BearerToken));
        Assert.Equal(1, endpoint.Logins);
        Assert.Equal(["canary", "stable"], status.Cluster.Members.Select(m => m.Channel).Order());
        Assert.Equal(token.Fingerprint, singleton!.Fingerprint);
        Assert.StartsWith("akka.tcp://mix2api@127.0.0.1:", singleton.SingletonNode, StringComparison.Ordinal);

        // The singleton's node leaves: the other takes the singleton over from the replicated token, no new login.
        var (holderHost, otherHost) = singleton.SingletonNode == status.Cluster.Self ? (stable, canary) : (canary, stable);
        // The login may have come before the other node joined (then its write reached a majority of one): wait for
        // gossip to bring the token to the other node's replica, which is what the hand-over reads from.
        var otherReplicator = DistributedData.Get(otherHost.Services.GetRequiredService<ActorSystem>()).Replicator;
        await Eventually.TrueAsync(async () =>
                await otherReplicator.Ask<IGetResponse>(Dsl.Get(TokenReplication.Key, ReadLocal.Instance), TimeSpan.FromSeconds(5)) is GetSuccess got
                && got.Get(TokenReplication.Key).Value.Fingerprint == token.Fingerprint,
            TimeSpan.FromSeconds(20), "the token never reached the other node's replica");
        await holderHost.StopAsync();
        var otherStatus = otherHost.Services.GetRequiredService<ActorsStatus>();
        await Eventually.TrueAsync(async () => (await otherStatus.TokenStatusAsync(CancellationToken.None))?.SingletonNode == otherStatus.Cluster.Self,
            TimeSpan.FromSeconds(30), "the other node did not take the token singleton over");
        Assert.Equal(token.Fingerprint, (await otherHost.Services.GetRequiredService<ICredentialProvider>().GetAsync(null, CancellationToken.None)).Fingerprint);
        Assert.Equal(1, endpoint.Logins);
        await otherHost.StopAsync();
    }

    [Fact]
    public async Task Redis_unreachable_at_start_up_neither_blocks_start_nor_requests()
    {
        var watch = Stopwatch.StartNew();
        using var host = await StartHostAsync(new ActorsOptions
        {
            Store = new StoreOptions { RedisUrl = "redis://127.0.0.1:1" },
            Sessions = new SessionOptions { KeyPrefix = $"{_prefix}:session" },
            Cluster = OneNode,
        });
        var region = host.Services.GetRequiredService<ISessionRegion>();
        await using (var turn = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(1)), CancellationToken.None))
        {
            turn.OnUpstreamIds("s-1", null);
            await turn.CompleteAsync(CancellationToken.None);
        }
        await using var next = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None);
        var elapsed = watch.Elapsed;
        var health = host.Services.GetRequiredService<ActorsStatus>().Journal;

        // The journal is unreachable: the turns go on without a session (history carried), nothing fails or hangs.
        Assert.Null(next.SessionId);
        Assert.True(next.CarryHistory);
        // Start-up waits for the actor system and the session region (about a second), never for Redis.
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"start-up plus two turns took {elapsed.TotalMilliseconds} ms");
        Assert.Equal(("redis", true, false), (health.Mode, health.Degraded, health.Connected));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("SESSION_KEY_MODE")]
    [InlineData("SESSION_STORE_MODE=redis requires REDIS_URL")]
    [InlineData("UPSTREAM_TOKEN_URL")]
    [InlineData("NODE_CHANNEL")]
    [InlineData("CLUSTER_SEED_NODES")]
    [InlineData("TOKEN_LOGIN_BACKOFF_MS")]
    public void A_configuration_that_cannot_work_is_rejected_naming_the_variable(string variable)
    {
        var options = variable switch
        {
            "SESSION_KEY_MODE" => new ActorsOptions { Sessions = new SessionOptions { KeyMode = "per_user" } },
            "UPSTREAM_TOKEN_URL" => new ActorsOptions { UpstreamAuthMode = "managed" },
            "NODE_CHANNEL" => new ActorsOptions { Cluster = new ClusterNodeOptions { Channel = "beta" } },
            "CLUSTER_SEED_NODES" => new ActorsOptions { Cluster = new ClusterNodeOptions { SeedNodes = ["http://mix2api@host:4053"] } },
            "TOKEN_LOGIN_BACKOFF_MS" => new ActorsOptions { UpstreamAuthMode = "managed", Token = new TokenOptions { TokenUrl = "http://127.0.0.1/t", LoginBackoff = TimeSpan.FromMinutes(5) } },
            _ => new ActorsOptions { Store = new StoreOptions { Mode = "redis" } },
        };

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMix2ApiActors(options));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }
}
