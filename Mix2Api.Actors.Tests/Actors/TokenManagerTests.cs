using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;
using Mix2Api.Actors.State;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>Managed upstream auth against a real Kestrel token endpoint, on real Redis or the memory store.</summary>
public sealed class TokenManagerTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private TokenEndpoint _endpoint = null!;
    private readonly string _prefix = $"t{Guid.NewGuid():N}";

    public TokenManagerTests(RedisServerFixture redis) => _redis = redis;

    public async Task InitializeAsync() => _endpoint = await TokenEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup) await item.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    private TokenOptions Options => new()
    {
        ApiBase = _endpoint.BaseUrl,
        KeyPrefix = _prefix,
        LoginBackoff = TimeSpan.FromSeconds(5),
        Timeout = TimeSpan.FromSeconds(5),
    };

    private async Task<IKeyValueStore> RedisStoreAsync()
    {
        var connection = await RedisStores.ConnectAsync(_redis);
        _cleanup.Add(connection);
        return RedisStores.Resilient(connection, TimeProvider.System);
    }

    private TokenManager Node(IKeyValueStore store, string nodeId, TimeProvider? time = null, TokenOptions? options = null)
    {
        time ??= TimeProvider.System;
        options ??= Options;
        var loggers = _logs.CreateFactory();
        var http = new HttpClient();
        var refresher = new TokenRefresher(store, new TokenFetcher(options, http, time), options, nodeId, time, loggers.CreateLogger<TokenRefresher>());
        return new TokenManager(refresher, options, time, loggers.CreateLogger<TokenManager>());
    }

    [Fact]
    public async Task The_first_request_logs_in_once_and_every_node_shares_the_token()
    {
        var store = await RedisStoreAsync();
        var a = Node(store, "node-a");
        var b = Node(store, "node-b");

        var fromA = await a.GetAsync(null, CancellationToken.None);
        var fromB = await b.GetAsync(null, CancellationToken.None);

        Assert.Equal("tok-1", fromA.BearerToken);
        Assert.Equal("tok-1", fromB.BearerToken);
        Assert.Equal(1, _endpoint.Logins);
    }

    [Fact]
    public async Task Fifty_concurrent_recoveries_after_a_401_on_two_nodes_cost_exactly_one_login()
    {
        var store = await RedisStoreAsync();
        var a = Node(store, "node-a");
        var b = Node(store, "node-b");
        var rejected = await a.GetAsync(null, CancellationToken.None);
        _endpoint.Hold();

        var recoveries = Enumerable.Range(0, 50)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? a : b).RecoverAsync(rejected, CancellationToken.None)))
            .ToList();
        await _endpoint.LoginArrived(2);
        _endpoint.Release();
        var results = await Task.WhenAll(recoveries);

        Assert.Equal(2, _endpoint.Logins);
        Assert.All(results, r => Assert.Equal("tok-2", r!.BearerToken));
    }

    [Fact]
    public async Task A_late_failure_with_an_already_replaced_token_never_clobbers_the_newer_one()
    {
        var store = await RedisStoreAsync();
        var a = Node(store, "node-a");
        var old = await a.GetAsync(null, CancellationToken.None);
        var fresh = await a.RecoverAsync(old, CancellationToken.None);

        var late = await Node(store, "node-b").RecoverAsync(old, CancellationToken.None);

        Assert.Equal("tok-2", fresh!.BearerToken);
        Assert.Equal("tok-2", late!.BearerToken);
        Assert.Equal(2, _endpoint.Logins);
    }

    [Fact]
    public async Task A_failed_login_is_an_upstream_credential_error_and_backs_off_before_the_next_attempt()
    {
        var time = new TestTimeProvider(DateTimeOffset.UtcNow);
        var manager = Node(new MemoryKeyValueStore(time), "solo", time);
        _endpoint.StatusCode = 401;

        var first = await Assert.ThrowsAsync<UpstreamCredentialException>(() => manager.GetAsync(null, CancellationToken.None).AsTask());
        var second = await Assert.ThrowsAsync<UpstreamCredentialException>(() => manager.GetAsync(null, CancellationToken.None).AsTask());
        Assert.Equal(1, _endpoint.Logins);
        Assert.Contains("401", first.Message, StringComparison.Ordinal);
        Assert.Contains("failed recently", second.Message, StringComparison.Ordinal);

        _endpoint.StatusCode = 200;
        time.Advance(TimeSpan.FromSeconds(6));
        var token = await manager.GetAsync(null, CancellationToken.None);
        Assert.Equal("tok-2", token.BearerToken);
    }

    [Fact]
    public async Task A_token_close_to_its_expiry_is_replaced_before_it_is_used()
    {
        var time = new TestTimeProvider(DateTimeOffset.UtcNow);
        var manager = Node(new MemoryKeyValueStore(time), "solo", time);
        _endpoint.ExpiresInSeconds = 120;

        Assert.Equal("tok-1", (await manager.GetAsync(null, CancellationToken.None)).BearerToken);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("tok-1", (await manager.GetAsync(null, CancellationToken.None)).BearerToken);
        time.Advance(TimeSpan.FromSeconds(31)); // now + 60 s skew passes the expiry
        Assert.Equal("tok-2", (await manager.GetAsync(null, CancellationToken.None)).BearerToken);
    }

    [Fact]
    public async Task Tokens_appear_in_logs_only_as_fingerprints()
    {
        var store = await RedisStoreAsync();
        var manager = Node(store, "node-a");
        var token = await manager.GetAsync(null, CancellationToken.None);
        await manager.RecoverAsync(token, CancellationToken.None);

        Assert.DoesNotContain("tok-1", _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-2", _logs.AllText, StringComparison.Ordinal);
        Assert.Contains(Mix2Api.Streams.Diagnostics.Fingerprint.Of("tok-2"), _logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"expires_in":60}""", 60_000L)]
    [InlineData("""{"expiresAt":1700000600000}""", 600_000L)]
    [InlineData("""{"exp":1700000900}""", 900_000L)]
    public void Expiry_is_derived_from_the_payload(string payload, long expectedMs)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        using var doc = System.Text.Json.JsonDocument.Parse(payload);
        var at = TokenExpiry.Derive(doc.RootElement, "opaque", "expires_in", now);
        Assert.Equal(expectedMs, (at!.Value - now).TotalMilliseconds, 0);
    }

    [Fact]
    public void Expiry_falls_back_to_the_jwt_exp_claim()
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = $"{B64("""{"alg":"none"}""")}.{B64("""{"sub":"x","exp":1700000300}""")}.sig";
        using var doc = System.Text.Json.JsonDocument.Parse("{}");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_300), TokenExpiry.Derive(doc.RootElement, jwt, "expires_in", DateTimeOffset.UnixEpoch));
    }
}

public sealed class UpstreamAuthFailureTests
{
    [Theory]
    [InlineData(401, null, true)]
    [InlineData(403, null, true)]
    [InlineData(200, "JWT expired at 12:00", true)]
    [InlineData(500, "Authentication Failed", true)]
    [InlineData(500, "internal error", false)]
    [InlineData(429, null, false)]
    public void IsAuthFailure_MatchesStatusOrKnownPhrases(int status, string? text, bool expected)
        => Assert.Equal(expected, Mix2Api.Actors.Credentials.UpstreamAuthFailure.IsAuthFailure(status, text));
}
