using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Mix2Api.Host.Hosting;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>The admin endpoint: its own listener, only the admin API there, never on the chat port; the token check.</summary>
public sealed class AdminEndpointTests
{
    private const string AdminToken = "admin-secret-token-1234";

    [Fact]
    public async Task Admin_port_answers_only_the_admin_api_and_the_chat_port_never_serves_it()
    {
        var (broker, admin) = await AdminBroker.StartAsync();
        await using var _ = broker;
        using var http = new HttpClient { BaseAddress = new Uri(admin + "/") };

        var cluster = await http.GetAsync("admin/cluster");
        Assert.Equal(HttpStatusCode.OK, cluster.StatusCode);
        Assert.Contains("\"members\"", await cluster.Content.ReadAsStringAsync());

        // Chat routes do not exist on the admin port, even with the right inbound key.
        using var chat = ChatRequests.Post(ChatRequests.Body("hi"));
        chat.RequestUri = new Uri(admin + "/v1/chat/completions");
        var onAdmin = await http.SendAsync(chat);
        Assert.Equal(HttpStatusCode.NotFound, onAdmin.StatusCode);
        Assert.Equal(0, broker.Upstream.ChatRequestCount);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v1/models")).StatusCode);

        // And the admin API does not exist on the chat port.
        var onChat = await broker.Client.GetAsync("admin/cluster");
        Assert.Equal(HttpStatusCode.NotFound, onChat.StatusCode);
        Assert.DoesNotContain("\"members\"", await onChat.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Non_loopback_admin_host_without_a_token_is_a_startup_error()
    {
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["UPSTREAM_API_BASE"] = "http://127.0.0.1:9", ["UPSTREAM_AUTH_MODE"] = "none", ["INBOUND_AUTH_MODE"] = "none",
            ["ADMIN_HOST"] = "0.0.0.0", ["ADMIN_PORT"] = FreePort.Next().ToString(),
        }), errors);
        Assert.Null(app);
        Assert.Contains("mix2api: configuration error: ADMIN_TOKEN", errors.ToString());
        Assert.Contains("not a loopback address", errors.ToString());
    }

    [Fact]
    public async Task With_the_admin_listener_a_url_kestrel_cannot_take_is_a_startup_error()
    {
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["UPSTREAM_API_BASE"] = "http://127.0.0.1:9", ["UPSTREAM_AUTH_MODE"] = "none", ["INBOUND_AUTH_MODE"] = "none",
            ["urls"] = "https://127.0.0.1:0", ["ADMIN_PORT"] = FreePort.Next().ToString(),
        }), errors);
        Assert.Null(app);
        Assert.StartsWith("mix2api: configuration error: urls: 'https://127.0.0.1:0'", errors.ToString());
    }

    [Fact]
    public async Task A_taken_admin_port_fails_the_start_with_address_in_use()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // What AdminBroker retries on when a free port is taken before the broker binds it.
        var failure = await Assert.ThrowsAsync<IOException>(() => BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ADMIN_HOST"] = "127.0.0.1", ["ADMIN_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        Assert.IsType<Microsoft.AspNetCore.Connections.AddressInUseException>(failure.InnerException);
    }

    [Fact]
    public async Task With_a_token_the_admin_api_refuses_a_missing_or_wrong_one_and_ctl_says_so_in_one_line()
    {
        var (broker, admin) = await AdminBroker.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = AdminToken });
        await using var _ = broker;
        using var http = new HttpClient { BaseAddress = new Uri(admin + "/") };

        var missing = await http.GetAsync("admin/cluster");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("\"authentication_error\"", await missing.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("admin/cluster")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("admin/cluster")).StatusCode);

        var wrong = await AdminBroker.CtlAsync("cluster", "show", "--node", admin, "--token", "not-the-token");
        Assert.NotEqual(0, wrong.Exit);
        Assert.Equal("", wrong.Out);
        var line = Assert.Single(wrong.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ctl: ", line);
        Assert.Contains("401", line);

        var right = await AdminBroker.CtlAsync("--token", AdminToken, "--node", admin, "cluster", "show", "--json");
        Assert.Equal(0, right.Exit);
        Assert.DoesNotContain(AdminToken, right.Out + right.Err);
    }

    [Fact]
    public async Task Unreachable_node_is_one_clear_line_and_a_non_zero_exit()
    {
        var result = await AdminBroker.CtlAsync("verdict", "--node", $"http://127.0.0.1:{FreePort.Next()}", "--timeout", "5");
        Assert.Equal(1, result.Exit);
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ctl: cannot reach the admin endpoint", line);
    }

    [Fact]
    public async Task Admin_port_zero_disables_the_endpoint_and_chat_still_serves()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["ADMIN_PORT"] = "0" });
        var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
