using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Mix2Api.Actors.Singleton;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Actors;

/// <summary>
/// The <see cref="TokenManager"/> actor on a one-node cluster (DistributedData needs one), logging in at a real
/// Kestrel token endpoint that counts logins.
/// </summary>
public sealed class TokenManagerSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Config = """
        akka.loglevel = INFO
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """;

    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);
    private TokenEndpoint _endpoint = null!;

    public TokenManagerSpec(ITestOutputHelper output) : base(Config, "mix2api", output)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
    }

    public async Task InitializeAsync()
    {
        _endpoint = await TokenEndpoint.StartAsync();
        await AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), Max);
    }

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    private TokenOptions Options(TimeSpan? backoff = null, TimeSpan? skew = null) => new()
    {
        ApiBase = _endpoint.BaseUrl,
        Timeout = TimeSpan.FromSeconds(10),
        LoginBackoff = backoff ?? TimeSpan.FromSeconds(30),
        LoginBackoffMax = (backoff ?? TimeSpan.FromSeconds(30)) * 4,
        ExpirySkew = skew ?? TimeSpan.FromSeconds(60),
    };

    private IActorRef Manager(TokenOptions? options = null)
    {
        options ??= Options();
        return Sys.ActorOf(TokenManager.CreateProps(options, new TokenFetcher(options, new HttpClient(), TimeProvider.System), TimeProvider.System));
    }

    private static async Task<TokenRecord> IssuedAsync(IActorRef manager, object question)
        => Assert.IsType<TokenIssued>(await manager.Ask<object>(question, Max)).Token;

    [Fact]
    public async Task The_first_request_logs_in_and_later_ones_get_the_same_token()
    {
        var manager = Manager();

        var first = await IssuedAsync(manager, GetToken.Instance);
        var second = await IssuedAsync(manager, GetToken.Instance);

        Assert.Equal("tok-1", first.Token);
        Assert.Equal(first, second);
        Assert.Equal(1, _endpoint.Logins);
    }

    [Fact]
    public async Task A_burst_of_rejections_of_the_same_token_costs_exactly_one_login()
    {
        var manager = Manager();
        var rejected = await IssuedAsync(manager, GetToken.Instance);
        _endpoint.Hold();

        var replies = Enumerable.Range(0, 30).Select(_ => IssuedAsync(manager, new RefreshAfterRejection(rejected.Fingerprint))).ToList();
        await _endpoint.LoginArrived(2);
        _endpoint.Release();
        var fresh = await Task.WhenAll(replies);

        Assert.All(fresh, t => Assert.Equal("tok-2", t.Token));
        Assert.All(fresh, t => Assert.Equal(2, t.Generation));
        Assert.Equal(2, _endpoint.Logins);
    }

    [Fact]
    public async Task A_late_rejection_of_an_already_replaced_token_gets_the_newer_one_without_a_login()
    {
        var manager = Manager();
        var old = await IssuedAsync(manager, GetToken.Instance);
        var fresh = await IssuedAsync(manager, new RefreshAfterRejection(old.Fingerprint));

        var late = await IssuedAsync(manager, new RefreshAfterRejection(old.Fingerprint));

        Assert.Equal("tok-2", fresh.Token);
        Assert.Equal(fresh, late);
        Assert.Equal(2, _endpoint.Logins);
    }

    [Fact]
    public async Task An_older_token_replicated_late_never_replaces_the_newer_one()
    {
        var manager = Manager();
        var old = await IssuedAsync(manager, GetToken.Instance);
        var fresh = await IssuedAsync(manager, new RefreshAfterRejection(old.Fingerprint));
        var replicator = DistributedData.Get(Sys).Replicator;
        var self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;

        // What a former incarnation's delayed write would look like: the first token again.
        var write = await replicator.Ask<IUpdateResponse>(TokenReplication.Publish(self, old, WriteLocal.Instance), Max);
        var stored = await replicator.Ask<IGetResponse>(Dsl.Get(TokenReplication.Key, ReadLocal.Instance), Max);

        Assert.True(write.IsSuccessful);
        Assert.Equal(fresh, ((GetSuccess)stored).Get(TokenReplication.Key).Value);
        Assert.Equal(fresh, await IssuedAsync(manager, GetToken.Instance));
        Assert.Equal(2, _endpoint.Logins);
    }

    [Fact]
    public async Task A_new_incarnation_starts_from_a_valid_replicated_token_without_logging_in()
    {
        var replicator = DistributedData.Get(Sys).Replicator;
        var self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
        var replicated = new TokenRecord("tok-from-before", 7, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow, "elsewhere");
        await replicator.Ask<IUpdateResponse>(TokenReplication.Publish(self, replicated, WriteLocal.Instance), Max);

        var manager = Manager();
        var token = await IssuedAsync(manager, GetToken.Instance);
        var status = await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max);

        Assert.Equal(replicated, token);
        Assert.Equal(0, _endpoint.Logins);
        Assert.Equal((replicated.Fingerprint, 7L, 0), (status.Fingerprint, status.Generation, status.LoginAttempts));
    }

    [Fact]
    public async Task A_replicated_token_that_is_no_longer_usable_is_replaced_at_start()
    {
        var replicator = DistributedData.Get(Sys).Replicator;
        var self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
        var stale = new TokenRecord("tok-stale", 3, DateTimeOffset.UtcNow.AddSeconds(10), DateTimeOffset.UtcNow.AddHours(-1), "elsewhere");
        await replicator.Ask<IUpdateResponse>(TokenReplication.Publish(self, stale, WriteLocal.Instance), Max);

        var token = await IssuedAsync(Manager(), GetToken.Instance);

        Assert.Equal(("tok-1", 4L), (token.Token, token.Generation));
    }

    [Fact]
    public async Task The_token_is_renewed_ahead_of_expiry_without_any_request()
    {
        _endpoint.ExpiresInSeconds = 3;
        var manager = Manager(Options(skew: TimeSpan.FromMilliseconds(500)));
        var first = await IssuedAsync(manager, GetToken.Instance);

        await _endpoint.LoginArrived(2);
        await AwaitAssertAsync(async () => Assert.Equal("tok-2", (await IssuedAsync(manager, GetToken.Instance)).Token), Max);

        Assert.Equal("tok-1", first.Token);
        Assert.NotNull(first.ExpiresAt);
    }

    [Fact]
    public async Task A_renewal_timer_that_fires_before_the_renewal_is_due_does_not_log_in()
    {
        var manager = Manager();
        await IssuedAsync(manager, GetToken.Instance);
        var replicator = DistributedData.Get(Sys).Replicator;
        var newer = new TokenRecord("tok-from-another-incarnation", 5, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow, "elsewhere");
        await replicator.Ask<IUpdateResponse>(TokenReplication.Publish(Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress, newer, WriteLocal.Instance), Max);
        await AwaitAssertAsync(async () => Assert.Equal(5, (await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max)).Generation), Max);

        // What a stale timer (a backoff retry armed before the newer token was adopted) delivers.
        manager.Tell(RenewDue.Instance);
        var status = await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max);

        Assert.Equal((false, 1), (status.LoggingIn, status.LoginAttempts));
        Assert.Equal(newer, await IssuedAsync(manager, GetToken.Instance));
        Assert.Equal(1, _endpoint.Logins);
    }

    [Fact]
    public async Task A_failed_login_is_reported_and_backs_off_before_the_next_attempt()
    {
        _endpoint.StatusCode = 500;
        var manager = Manager();

        var first = Assert.IsType<TokenUnavailable>(await manager.Ask<object>(GetToken.Instance, Max));
        var second = Assert.IsType<TokenUnavailable>(await manager.Ask<object>(new RefreshAfterRejection("anything"), Max));
        var status = await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max);

        Assert.Contains("500", first.Reason, StringComparison.Ordinal);
        Assert.Contains("failed recently", second.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _endpoint.Logins);
        Assert.NotNull(status.BackoffUntil);
        Assert.Null(status.Fingerprint);
    }

    [Fact]
    public async Task After_the_backoff_runs_out_the_manager_logs_in_again_by_itself()
    {
        _endpoint.StatusCode = 500;
        var manager = Manager(Options(backoff: TimeSpan.FromMilliseconds(300)));
        Assert.IsType<TokenUnavailable>(await manager.Ask<object>(GetToken.Instance, Max));

        _endpoint.StatusCode = 200;
        // Nothing asks meanwhile: the retry after the backoff is the manager's own.
        await _endpoint.LoginArrived(2);
        TokenRecord? token = null;
        await AwaitAssertAsync(async () => token = await IssuedAsync(manager, GetToken.Instance), Max);

        Assert.Equal($"tok-{_endpoint.Logins}", token!.Token);
        Assert.Null((await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max)).BackoffUntil);
    }

    [Fact]
    public async Task The_status_names_the_node_and_the_token_by_fingerprint_only()
    {
        var manager = Manager();
        var token = await IssuedAsync(manager, GetToken.Instance);

        var status = await manager.Ask<TokenStatus>(GetTokenStatus.Instance, Max);

        Assert.Equal(Akka.Cluster.Cluster.Get(Sys).SelfAddress.ToString(), status.SingletonNode);
        Assert.Equal((Fingerprint.Of("tok-1"), 1L, 1), (status.Fingerprint, status.Generation, status.LoginAttempts));
        Assert.Equal(token.ExpiresAt, status.ExpiresAt);
        Assert.Equal(token.FetchedAt, status.LastRefresh);
        Assert.DoesNotContain("tok-1", status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_appear_in_the_log_only_as_fingerprints()
    {
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(LogEvent));
        var manager = Manager();
        var first = await IssuedAsync(manager, GetToken.Instance);
        await IssuedAsync(manager, new RefreshAfterRejection(first.Fingerprint));

        var text = new List<string>();
        await AwaitAssertAsync(() =>
        {
            while (logs.HasMessages) text.Add(logs.ReceiveOne(TimeSpan.Zero)!.ToString()!);
            Assert.Contains(text, line => line.Contains(Fingerprint.Of("tok-2"), StringComparison.Ordinal));
        }, Max);
        Assert.DoesNotContain(text, line => line.Contains("tok-1", StringComparison.Ordinal) || line.Contains("tok-2", StringComparison.Ordinal));
    }
}
