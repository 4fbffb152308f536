using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Hosting;
using Mix2Api.Actors.Membership;
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
        builder.Services.AddMix2ApiActors(options);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private ActorsOptions Clustered(string nodeId, string channel, string tokenBase) => new()
    {
        UpstreamAuthMode = "managed",
        KeyPrefix = _prefix,
        Store = new StoreOptions { RedisUrl = _redis.ConnectionString, PingInterval = TimeSpan.FromMilliseconds(100), CommandTimeout = TimeSpan.FromSeconds(2) },
        Sessions = new SessionOptions { KeyPrefix = $"{_prefix}:session" },
        Token = new TokenOptions { ApiBase = tokenBase },
        Membership = new MembershipOptions { NodeId = nodeId, Channel = channel, HeartbeatInterval = TimeSpan.FromMilliseconds(200), Ttl = TimeSpan.FromSeconds(2) },
    };

    [Fact]
    public async Task The_embedded_default_serves_sessions_from_memory_with_a_static_credential()
    {
        using var host = await StartHostAsync(new ActorsOptions { UpstreamBearerToken = "static-token" });
        var region = host.Services.GetRequiredService<ISessionRegion>();
        await using (var turn = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(1)), CancellationToken.None))
        {
            turn.OnUpstreamIds("s-1", null);
            await turn.CompleteAsync(CancellationToken.None);
        }
        await using var next = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None);
        var credentials = host.Services.GetRequiredService<ICredentialProvider>();
        var status = await host.Services.GetRequiredService<ActorsStatus>().GetAsync(CancellationToken.None);

        Assert.Equal("s-1", next.SessionId);
        Assert.Equal("static", credentials.Mode);
        Assert.Equal("static-token", (await credentials.GetAsync(null, CancellationToken.None)).BearerToken);
        Assert.Equal(("memory", false), (status.Store.Mode, status.Store.Degraded));
        Assert.Equal("stable", Assert.Single(status.Cluster.Members).Channel);
        Assert.Null(status.TokenManager);
        await host.StopAsync();
    }

    [Fact]
    public async Task Managed_mode_runs_the_token_manager_on_the_actor_system_and_reports_it_by_fingerprint()
    {
        await using var endpoint = await TokenEndpoint.StartAsync();
        using var node = await StartHostAsync(Clustered("node-stable", "stable", endpoint.BaseUrl));
        var credentials = node.Services.GetRequiredService<ICredentialProvider>();

        var token = await credentials.GetAsync(null, CancellationToken.None);
        var again = await credentials.GetAsync(null, CancellationToken.None);
        ActorsStatusSnapshot? status = null;
        await Eventually.TrueAsync(async () => (status = await node.Services.GetRequiredService<ActorsStatus>().GetAsync(CancellationToken.None)).TokenManager is not null,
            TimeSpan.FromSeconds(10), "the token manager never reported its status");

        Assert.Equal("managed", credentials.Mode);
        Assert.Equal(("tok-1", "tok-1"), (token.BearerToken, again.BearerToken));
        Assert.Equal(1, endpoint.Logins);
        Assert.Equal(token.Fingerprint, status!.TokenManager!.Fingerprint);
        Assert.Equal(token.Fingerprint, status.LocalToken!.Fingerprint);
        Assert.StartsWith("akka.tcp://mix2api@127.0.0.1:", status.TokenManager.SingletonNode, StringComparison.Ordinal);
        await node.StopAsync();
    }

    [Fact]
    public async Task Redis_unreachable_at_start_up_neither_blocks_start_nor_requests()
    {
        var watch = Stopwatch.StartNew();
        using var host = await StartHostAsync(new ActorsOptions
        {
            Store = new StoreOptions { RedisUrl = "redis://127.0.0.1:1" },
            Sessions = new SessionOptions { KeyPrefix = $"{_prefix}:session" },
        });
        var region = host.Services.GetRequiredService<ISessionRegion>();
        await using (var turn = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(1)), CancellationToken.None))
        {
            turn.OnUpstreamIds("s-1", null);
            await turn.CompleteAsync(CancellationToken.None);
        }
        await using var next = await region.BeginTurnAsync(Chat.Context(Chat.Conversation(2)), CancellationToken.None);
        var elapsed = watch.Elapsed;
        var health = host.Services.GetRequiredService<ActorsStatus>().StoreHealth;

        Assert.Equal("s-1", next.SessionId);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"start-up plus two turns took {elapsed.TotalMilliseconds} ms");
        Assert.Equal(("redis", true, false), (health.Mode, health.Degraded, health.Connected));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("SESSION_KEY_MODE")]
    [InlineData("SESSION_STORE_MODE=redis requires REDIS_URL")]
    [InlineData("UPSTREAM_TOKEN_URL")]
    [InlineData("NODE_CHANNEL")]
    [InlineData("TOKEN_LOGIN_BACKOFF_MS")]
    public void A_configuration_that_cannot_work_is_rejected_naming_the_variable(string variable)
    {
        var options = variable switch
        {
            "SESSION_KEY_MODE" => new ActorsOptions { Sessions = new SessionOptions { KeyMode = "per_user" } },
            "UPSTREAM_TOKEN_URL" => new ActorsOptions { UpstreamAuthMode = "managed" },
            "NODE_CHANNEL" => new ActorsOptions { Membership = new MembershipOptions { Channel = "beta" } },
            "TOKEN_LOGIN_BACKOFF_MS" => new ActorsOptions { UpstreamAuthMode = "managed", Token = new TokenOptions { TokenUrl = "http://127.0.0.1/t", LoginBackoff = TimeSpan.FromMinutes(5) } },
            _ => new ActorsOptions { Store = new StoreOptions { Mode = "redis" } },
        };

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMix2ApiActors(options));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }
}
