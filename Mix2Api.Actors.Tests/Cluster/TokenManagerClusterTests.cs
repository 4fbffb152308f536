using Akka.Cluster;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// Two actor systems joined in one cluster, wired through <see cref="TokenManagerHosting"/>: one login serves both,
/// a burst of rejections on both costs one login, and the singleton moves without a login while the token is valid.
/// </summary>
public sealed class TokenManagerClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private readonly CapturingLoggerProvider _logs = new();
    private TokenEndpoint _endpoint = null!;
    private TokenNode? _a, _b;

    public async Task InitializeAsync() => _endpoint = await TokenEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var entry in _logs.Entries) output.WriteLine(entry.Message);
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    private TokenOptions Options => new() { ApiBase = _endpoint.BaseUrl, Timeout = TimeSpan.FromSeconds(10), LoginBackoff = TimeSpan.FromSeconds(30) };

    /// <summary>A (the oldest: the singleton runs there first) and B, both up and seeing each other.</summary>
    private async Task<(TokenNode A, TokenNode B)> JoinedAsync()
    {
        _a = await TokenNode.StartAsync(Options, logs: _logs);
        _b = await TokenNode.StartAsync(Options, _a.Address, _logs);
        await Eventually.TrueAsync(() => UpCount(_a) == 2 && UpCount(_b) == 2, Max, "the two nodes did not form one cluster");
        return (_a, _b);
    }

    private static int UpCount(TokenNode node) => node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    [Fact]
    public async Task One_login_serves_both_nodes_and_each_reads_the_token_from_its_own_replica()
    {
        var (a, b) = await JoinedAsync();

        var fromA = await a.Credentials.GetAsync(null, CancellationToken.None);
        await Eventually.TrueAsync(() => b.Credentials.Replica.Current is not null, Max, "the token never reached B's replica");
        var fromB = await b.Credentials.GetAsync(null, CancellationToken.None);
        var status = await b.Credentials.StatusAsync(CancellationToken.None);

        Assert.Equal("tok-1", fromA.BearerToken);
        Assert.Same(b.Credentials.Replica.Current!.Credential, fromB);
        Assert.Equal("tok-1", fromB.BearerToken);
        Assert.Equal(1, _endpoint.Logins);
        Assert.Equal(a.Address.ToString(), status!.SingletonNode);
        // What crossed the nodes went through Hyperion, as on a deployed node.
        Assert.IsType<Akka.Serialization.HyperionSerializer>(b.System.Serialization.FindSerializerFor(status));
        Assert.IsType<Akka.Serialization.HyperionSerializer>(b.System.Serialization.FindSerializerFor(b.Credentials.Replica.Current!.Token));
    }

    [Fact]
    public async Task A_burst_of_rejections_on_both_nodes_costs_exactly_one_login()
    {
        var (a, b) = await JoinedAsync();
        var rejected = await a.Credentials.GetAsync(null, CancellationToken.None);
        _endpoint.Hold();

        var recoveries = Enumerable.Range(0, 50)
            .Select(i => (i % 2 == 0 ? a : b).Credentials.RecoverAsync(rejected, CancellationToken.None).AsTask())
            .ToList();
        await _endpoint.LoginArrived(2);
        _endpoint.Release();
        var fresh = await Task.WhenAll(recoveries);

        Assert.All(fresh, c => Assert.Equal("tok-2", c!.BearerToken));
        Assert.Equal(2, _endpoint.Logins);
        await Eventually.TrueAsync(() => b.Credentials.Replica.Current?.Token.Token == "tok-2", Max, "B's replica kept the rejected token");
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("tok-1", StringComparison.Ordinal) || e.Message.Contains("tok-2", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Message.Contains(Fingerprint.Of("tok-2"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_singleton_node_leaves_the_other_takes_over_without_logging_in_again()
    {
        var (a, b) = await JoinedAsync();
        var token = await a.Credentials.GetAsync(null, CancellationToken.None);
        await Eventually.TrueAsync(() => b.Credentials.Replica.Current is not null, Max, "the token never reached B's replica");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await a.StopAsync();
        await Eventually.TrueAsync(async () => (await b.Credentials.StatusAsync(CancellationToken.None))?.SingletonNode == b.Address.ToString(),
            Max, "the singleton did not move to B");
        output.WriteLine($"singleton hand-over after a graceful stop: {clock.ElapsedMilliseconds} ms");
        var status = await b.Credentials.StatusAsync(CancellationToken.None);

        Assert.Equal(1, _endpoint.Logins);
        Assert.Equal((Fingerprint.Of("tok-1"), 0), (status!.Fingerprint, status.LoginAttempts));
        Assert.Equal(token, await b.Credentials.GetAsync(null, CancellationToken.None));
        // The new incarnation still refreshes on demand.
        Assert.Equal("tok-2", (await b.Credentials.RecoverAsync(token, CancellationToken.None))!.BearerToken);
    }

    [Fact]
    public async Task When_the_singleton_node_crashes_and_is_downed_the_other_takes_over_without_logging_in_again()
    {
        var (a, b) = await JoinedAsync();
        var token = await a.Credentials.GetAsync(null, CancellationToken.None);
        await Eventually.TrueAsync(() => b.Credentials.Replica.Current is not null, Max, "the token never reached B's replica");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var crashed = a.Address;
        await a.CrashAsync();
        // Downing is the split brain resolver's decision (the cluster wiring's); here the survivor downs the dead node itself.
        await Eventually.TrueAsync(() => b.Cluster.State.Unreachable.Any(m => m.Address == crashed), Max, "B never saw A as unreachable");
        b.Cluster.Down(crashed);
        await Eventually.TrueAsync(async () => (await b.Credentials.StatusAsync(CancellationToken.None))?.SingletonNode == b.Address.ToString(),
            TimeSpan.FromSeconds(60), "the singleton did not move to B after the crash");
        output.WriteLine($"singleton take-over after a crash: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(1, _endpoint.Logins);
        Assert.Equal(token, await b.Credentials.GetAsync(null, CancellationToken.None));
        Assert.Equal(0, (await b.Credentials.StatusAsync(CancellationToken.None))!.LoginAttempts);
    }

    [Fact]
    public async Task A_failed_login_is_an_upstream_credential_error_on_every_node()
    {
        _endpoint.StatusCode = 401;
        var (a, b) = await JoinedAsync();

        var onA = await Assert.ThrowsAsync<UpstreamCredentialException>(() => a.Credentials.GetAsync(null, CancellationToken.None).AsTask());
        var onB = await Assert.ThrowsAsync<UpstreamCredentialException>(() => b.Credentials.GetAsync(null, CancellationToken.None).AsTask());

        // One attempt (the singleton's own at start, or the first request's), then the backoff answers everyone.
        Assert.Contains("401", onA.Message, StringComparison.Ordinal);
        Assert.Contains("401", onB.Message, StringComparison.Ordinal);
        Assert.Equal(1, _endpoint.Logins);
    }
}
