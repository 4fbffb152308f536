using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;
using Mix2Api.Host.Upstream;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// Dynamic upstream base (digest §10, SPEC §10): off by default, the Node adapter's checks and messages, and
/// stricter — one name lookup whose checked address is the one connected to, no redirects, the token only
/// for allowlisted hosts, every refusal a 400 before any connection.
/// </summary>
public class DynamicUpstreamBaseTests
{
    private static readonly IPAddress Public = IPAddress.Parse("93.184.216.34");

    private static DynamicUpstreamBase Policy(bool allowHttp = true, bool allowPrivate = false, string[]? allowlist = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, bool enabled = true) =>
        new(new DynamicBaseSettings(enabled, allowHttp, allowPrivate, allowlist ?? []), "/v2/chats", TimeSpan.FromSeconds(5),
            resolve ?? ((_, _) => Task.FromResult(new[] { Public })));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data", "private or loopback host is not allowed")]
    [InlineData("https://169.254.169.254", "private or loopback host is not allowed")]
    [InlineData("https://[::ffff:169.254.169.254]/", "private or loopback host is not allowed")]
    [InlineData("https://[::ffff:a9fe:a9fe]/", "private or loopback host is not allowed")]
    [InlineData("https://127.0.0.1:8443", "private or loopback host is not allowed")]
    [InlineData("https://2130706433/", "private or loopback host is not allowed")]
    [InlineData("https://localhost", "private or loopback host is not allowed")]
    [InlineData("https://[::1]/", "private or loopback host is not allowed")]
    [InlineData("https://[fd12::1]/", "private or loopback host is not allowed")]
    [InlineData("https://[fe80::1]/", "private or loopback host is not allowed")]
    [InlineData("https://10.1.2.3", "private or loopback host is not allowed")]
    [InlineData("https://172.20.0.1", "private or loopback host is not allowed")]
    [InlineData("https://192.168.1.1", "private or loopback host is not allowed")]
    [InlineData("https://100.64.0.1", "private or loopback host is not allowed")]
    [InlineData("https://0.0.0.0", "private or loopback host is not allowed")]
    [InlineData("not a url", "must be an absolute URL")]
    [InlineData("/relative/path", "must be an absolute URL")]
    [InlineData("ftp://example.com", "only http/https protocols are allowed")]
    [InlineData("file:///etc/passwd", "must be an absolute URL")]
    public async Task Refused_targets_get_the_node_adapters_message_without_any_lookup(string url, string message)
    {
        var policy = Policy(resolve: (_, _) => throw new InvalidOperationException("no lookup may happen"));
        var (route, error) = await policy.ChooseAsync(null, url, CancellationToken.None);
        Assert.Null(route);
        Assert.EndsWith(message, error);
    }

    [Fact]
    public async Task Http_is_refused_unless_allowed()
    {
        var strict = Policy(allowHttp: false);
        Assert.Equal("Invalid upstream_base_url: http protocol is not allowed by policy", (await strict.ChooseAsync(null, "http://example.com", default)).Error);
        var lax = Policy(allowHttp: true);
        Assert.NotNull((await lax.ChooseAsync(null, "http://example.com", default)).Route);
    }

    [Fact]
    public async Task A_name_with_any_private_address_is_refused()
    {
        var policy = Policy(resolve: (_, _) => Task.FromResult(new[] { Public, IPAddress.Parse("10.0.0.5") }));
        Assert.EndsWith("private or loopback host is not allowed", (await policy.ChooseAsync(null, "https://rebind.example", default)).Error);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_refused()
    {
        var policy = Policy(resolve: (_, _) => throw new SocketException((int)SocketError.HostNotFound));
        Assert.EndsWith("hostname could not be resolved", (await policy.ChooseAsync(null, "https://nowhere.example", default)).Error);
    }

    [Fact]
    public async Task A_lookup_that_does_not_answer_within_the_connect_timeout_is_refused()
    {
        var policy = new DynamicUpstreamBase(new DynamicBaseSettings(true, false, false, []), "/v2/chats", TimeSpan.FromMilliseconds(200),
            async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return []; });
        Assert.EndsWith("hostname could not be resolved", (await policy.ChooseAsync(null, "https://slow.example", default)).Error);
    }

    [Fact]
    public async Task The_allowlist_admits_hosts_and_subdomains_only_and_only_they_get_the_token()
    {
        var policy = Policy(allowlist: ["example.com"]);
        var (route, _) = await policy.ChooseAsync(null, "https://api.example.com/base/?q=1#x", default);
        Assert.True(route!.SendCredential);
        Assert.Equal("https://api.example.com/base/v2/chats", route.ChatUrl.ToString());
        Assert.True((await policy.ChooseAsync(null, "https://example.com", default)).Route!.SendCredential);
        Assert.EndsWith("host is not in allowlist", (await policy.ChooseAsync(null, "https://notexample.com", default)).Error);
        Assert.EndsWith("host is not in allowlist", (await policy.ChooseAsync(null, "https://example.com.evil.net", default)).Error);
        Assert.EndsWith("IP literals are not allowed when UPSTREAM_BASE_ALLOWLIST is configured",
            (await policy.ChooseAsync(null, "https://93.184.216.34", default)).Error);

        var open = Policy();
        Assert.False((await open.ChooseAsync(null, "https://anything.example", default)).Route!.SendCredential);
    }

    [Fact]
    public async Task The_header_wins_over_the_body_and_nothing_named_means_the_configured_upstream()
    {
        var policy = Policy(allowlist: ["a.example"]);
        Assert.Equal("a.example", (await policy.ChooseAsync("https://a.example", "https://b.example", default)).Route!.Host);
        Assert.Equal((null, null), await policy.ChooseAsync(null, null, default));
        var off = Policy(enabled: false);
        Assert.Equal("Dynamic upstream base is disabled by server policy", (await off.ChooseAsync("https://a.example", null, default)).Error);
    }

    [Fact]
    public async Task The_connection_goes_to_the_address_checked_once_never_a_second_lookup()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        var lookups = 0;
        // A rebinding name: the first answer passes (loopback is allowed here), any later one would point elsewhere.
        // The name itself does not exist in real DNS, so a second lookup by the HTTP stack could not succeed either.
        var policy = Policy(allowPrivate: true, resolve: (host, _) =>
        {
            Assert.Equal("rebind.invalid", host);
            return Task.FromResult(Interlocked.Increment(ref lookups) == 1 ? new[] { IPAddress.Loopback } : new[] { IPAddress.Parse("10.255.255.1") });
        });
        var (route, error) = await policy.ChooseAsync(null, $"http://rebind.invalid:{simulator.BaseUrl.Port}", default);
        Assert.Null(error);

        var settings = Mix2ApiSettings.Load(new ConfigurationManager(), isDevelopment: true).Settings;
        using var client = new UpstreamClient(settings, TimeProvider.System);
        var body = await ChatRequests.Body("hi").ReadAsByteArrayAsync();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.SendAsync(route!.ChatUrl, body, $"pinned-{i}", null, CancellationToken.None, route);
            Assert.Equal(200, response.Status);
            var buffer = new byte[4096];
            while (await response.Body.ReadAsync(buffer) > 0)
            {
            }
        }
        Assert.Equal(1, lookups);
        Assert.All(simulator.Simulator.ChatRequests, r => Assert.Equal($"rebind.invalid:{simulator.BaseUrl.Port}", r.Header("Host")));
        // The second request went on the first one's connection: kept per checked address.
        Assert.Equal(1, client.IdleConnections);
    }

    [Fact]
    public async Task Through_the_broker_the_metadata_address_is_a_400_and_nothing_is_sent()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_DYNAMIC_BASE_ENABLED"] = "true",
            ["UPSTREAM_BASE_ALLOW_HTTP"] = "true",
        });
        foreach (var (header, body) in new (string?, string?)[] { ("http://169.254.169.254/latest/meta-data/", null), (null, "http://169.254.169.254") })
        {
            var request = ChatRequests.Post(ChatRequests.Json(
                $$"""{"model":"m","messages":[{"role":"user","content":"hi"}]{{(body is null ? "" : $",\"upstream_base_url\":\"{body}\"")}}}"""));
            if (header is not null) request.Headers.Add("x-upstream-base-url", header);
            var response = await broker.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("invalid_request", error.GetProperty("code").GetString());
            Assert.Equal("upstream_base_url", error.GetProperty("param").GetString());
            Assert.Equal("Invalid upstream_base_url: private or loopback host is not allowed", error.GetProperty("message").GetString());
            Assert.Equal("invalid_request", (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
        }
        Assert.Equal(0, broker.Upstream.ChatRequestCount);
    }

    [Fact]
    public async Task Off_by_default_the_header_is_refused()
    {
        await using var broker = await BrokerHost.StartAsync();
        var request = ChatRequests.Post(ChatRequests.Body("hi"));
        request.Headers.Add("x-upstream-base-url", "https://example.com");
        var response = await broker.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Dynamic upstream base is disabled by server policy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false, null, 400, null)]
    [InlineData(true, null, 200, null)]
    [InlineData(true, "localhost", 200, "static-upstream-secret")]
    public async Task A_loopback_base_is_served_only_when_private_targets_are_allowed_and_gets_the_token_only_when_allowlisted(
        bool allowPrivate, string? allowlist, int status, string? bearerSeen)
    {
        await using var other = await SimulatorServer.StartAsync();
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_DYNAMIC_BASE_ENABLED"] = "true",
            ["UPSTREAM_BASE_ALLOW_HTTP"] = "true",
            ["UPSTREAM_BASE_ALLOW_PRIVATE"] = allowPrivate ? "true" : "false",
            ["UPSTREAM_BASE_ALLOWLIST"] = allowlist,
            ["UPSTREAM_AUTH_MODE"] = "static",
            ["UPSTREAM_BEARER_TOKEN"] = "static-upstream-secret",
        });
        var request = ChatRequests.Post(ChatRequests.Body("hi", stream: false));
        request.Headers.Add("x-upstream-base-url", $"http://localhost:{other.BaseUrl.Port}/");
        var response = await broker.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(0, broker.Upstream.ChatRequestCount);
        if (status != 200)
        {
            Assert.Empty(other.Simulator.ChatRequests);
            return;
        }
        var seen = Assert.Single(other.Simulator.ChatRequests);
        Assert.Equal(bearerSeen, seen.BearerToken);
    }

    [Fact]
    public async Task A_redirect_from_a_dynamic_base_is_not_followed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        var upstream = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            Interlocked.Increment(ref connections);
            var buffer = new byte[65536];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n\r\n")) received.Append(Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer)));
            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\n\r\n"));
            await socket.ReceiveAsync(buffer);
        });
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_DYNAMIC_BASE_ENABLED"] = "true",
            ["UPSTREAM_BASE_ALLOW_HTTP"] = "true",
            ["UPSTREAM_BASE_ALLOW_PRIVATE"] = "true",
        });
        var request = ChatRequests.Post(ChatRequests.Body("hi", stream: false));
        request.Headers.Add("x-upstream-base-url", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        var response = await broker.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
        Assert.Equal(1, connections);
    }
}
