using System.Net.Http.Headers;
using System.Text;
using Mix2Api.Host.Simulator;
using Mix2Api.Soak;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// Known secrets (inbound keys, a wrong key a client tried, the upstream token, the managed login body, the Redis
/// password, the admin token) never appear anywhere an operator or a client can read: the broker process's whole
/// stdout/stderr at every log level, /metrics, /health, /v1/models, every response (error bodies included), the `ctl`
/// commands' output and errors, and the admin endpoint's traces and metrics, across every request
/// shape: stream, non-stream, tools, upstream faults, timeouts, client aborts, auth failures, bad input,
/// a refused dynamic base, upstream 401 with re-login, failed login.
/// </summary>
public sealed class SecretLeakTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly string Nonce = Guid.NewGuid().ToString("N")[..12];
    private static readonly string[] InboundKeys = [$"sk-in-a-{Nonce}", $"sk-in-b-{Nonce}"];
    private static readonly string WrongKey = $"sk-wrong-{Nonce}";
    private static readonly string StaticUpstreamToken = $"up-static-{Nonce}";
    private static readonly string LoginPassword = $"login-pw-{Nonce}";
    private static readonly string RedisPassword = $"redis-pw-{Nonce}";
    private static readonly string UserinfoSecret = $"userinfo-{Nonce}";
    private static readonly string AdminToken = $"admin-tok-{Nonce}";

    [Theory]
    [InlineData("Debug", "managed")]
    [InlineData("Information", "managed")]
    [InlineData("Warning", "managed")]
    [InlineData("Error", "managed")]
    [InlineData("Debug", "static")]
    [InlineData("Error", "static")]
    public async Task No_secret_appears_in_logs_metrics_health_or_responses(string level, string authMode)
    {
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan });
        var sim = simulator.Simulator;
        sim.RequireToken = authMode == "managed";
        var logPath = Path.Combine(Path.GetTempPath(), $"mix2api-secrets-{Guid.NewGuid():N}.log");
        var adminPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["UPSTREAM_SIMULATOR"] = "off",
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = authMode,
            ["INBOUND_AUTH_MODE"] = "bearer",
            ["INBOUND_BEARER_TOKENS"] = string.Join(',', InboundKeys),
            // The password is wrong for this password-less server, so the store's failure path is exercised too.
            ["REDIS_URL"] = $"redis://default:{RedisPassword}@127.0.0.1:{redis.Port}",
            ["REDIS_CONNECT_TIMEOUT_MS"] = "500",
            ["LOG_LEVEL"] = level,
            ["UPSTREAM_IDLE_TIMEOUT_MS"] = "1000",
            ["UPSTREAM_DYNAMIC_BASE_ENABLED"] = "true",
            // The admin endpoint (what `ctl` reads) with its own secret, and every request traced.
            ["ADMIN_HOST"] = "127.0.0.1",
            ["ADMIN_PORT"] = adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ADMIN_TOKEN"] = AdminToken,
            ["TRACE_SAMPLING_RATE"] = "1",
        };
        if (authMode == "static") environment["UPSTREAM_BEARER_TOKEN"] = StaticUpstreamToken;
        else environment["UPSTREAM_TOKEN_BODY_JSON"] = $$"""{"username":"svc","password":"{{LoginPassword}}"}""";

        var seen = new StringBuilder();
        await using (var broker = await SoakBroker.StartAsync(Path.Combine(AppContext.BaseDirectory, "Mix2Api.Host.dll"), environment, logPath))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = broker.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            var lastId = "";
            async Task Send(string body, string? key, Action<HttpRequestMessage>? extra = null, TimeSpan? abortAfter = null)
            {
                lastId = $"secrets-{Guid.NewGuid():N}";
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = ChatRequests.Json(body) };
                request.Headers.Add("x-request-id", lastId);
                if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                extra?.Invoke(request);
                using var abort = new CancellationTokenSource(abortAfter ?? TimeSpan.FromSeconds(30));
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, abort.Token);
                    seen.Append(response.Headers).Append(response.Content.Headers).Append(await response.Content.ReadAsStringAsync(abort.Token));
                }
                catch (OperationCanceledException) when (abortAfter is not null)
                {
                    // The client left on purpose.
                }
            }
            const string Tools = ""","tools":[{"type":"function","function":{"name":"read_file","parameters":{"type":"object"}}}]""";
            string Chat(string text, bool stream, bool tools = false) =>
                $"{{\"model\":\"mix/qwen-3-235b-instruct\",\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"{text}\"}}]{(tools ? Tools : "")}}}";

            var key = InboundKeys[0];
            await Send(Chat("hello", stream: true), key);
            await Send(Chat("hello", stream: false), InboundKeys[1]);
            await Send(Chat("[[sim:tool name=read_file args={\\\"path\\\":\\\"a\\\"}]]", stream: true, tools: true), key);
            await Send(Chat("[[sim:tool name=read_file]]", stream: false, tools: true), key);
            foreach (var fault in new[] { "kind=status code=500", "kind=status code=429 retry_after=1", "kind=error", "kind=drop", "kind=badline", "kind=truncated", "kind=stall" })
            {
                await Send(Chat($"[[sim:fault {fault}]]", stream: true), key);
                await Send(Chat($"[[sim:fault {fault}]]", stream: false), key);
            }
            await Send(Chat("[[sim:long chunks=200 delay_ms=5]]", stream: true), key, abortAfter: TimeSpan.FromMilliseconds(200));
            await Send(Chat("hello", stream: true), null);
            await Send(Chat("hello", stream: true), WrongKey);
            await Send(Chat("hello", stream: true), key, r => r.Headers.TryAddWithoutValidation("authorization", "Basic " + WrongKey));
            await Send("{\"model\":", key);
            await Send(Chat("hello", stream: false), key,
                r => r.Headers.Add("x-upstream-base-url", $"https://svc:{UserinfoSecret}@169.254.169.254/?token={UserinfoSecret}"));
            if (authMode == "managed")
            {
                sim.RevokeAllTokens(); // 401 upstream, one re-login, retried
                await Send(Chat("after revocation", stream: true), key);
                sim.TokenFailure = TokenFailure.ServerError;
                sim.RevokeAllTokens(); // login fails: 502 upstream_auth_error
                await Send(Chat("login fails", stream: false), key);
            }

            foreach (var path in new[] { "metrics", "health", "health/ready", "v1/models" })
                seen.Append(await http.GetStringAsync(path));
            seen.Append(await OtherSurfacesAsync($"http://127.0.0.1:{adminPort}"));
            if (level is "Debug" or "Information")
                await WaitForLogAsync(logPath, lastId); // everything was logged before the process is stopped
        }

        var log = await File.ReadAllTextAsync(logPath);
        File.Delete(logPath);
        if (level is "Debug" or "Information") Assert.Contains("request.completed", log); // the capture works: the scan is not vacuous
        Assert.Contains("mix2api_requests", seen.ToString());
        var secrets = new List<string>([.. InboundKeys, WrongKey, LoginPassword, RedisPassword, UserinfoSecret, AdminToken]);
        secrets.Add(authMode == "static" ? StaticUpstreamToken : "sim-token-");
        foreach (var secret in secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the broker's log at {level}");
            Assert.False(seen.ToString().Contains(secret, StringComparison.Ordinal), $"'{secret}' is in a response, /metrics, /health, ctl output or the admin endpoint");
        }
        if (authMode == "managed") Assert.True(sim.LoginCount >= 1, $"the login (with its secret body) really happened (logins: {sim.LoginCount})");
        else Assert.All(sim.ChatRequests, r => Assert.Equal(StaticUpstreamToken, r.BearerToken));
    }

    /// <summary>
    /// What an operator reads through the admin endpoint: every read-only `ctl` command (the real verbs, run in-process
    /// as <c>dotnet Mix2Api.Host.dll ctl …</c> runs them) as a table and as JSON, every sampled trace (the failed requests'
    /// included) through `ctl traces show` and the admin API, the admin /metrics, and `ctl`'s own errors: a wrong admin
    /// token, and a --node URL carrying a password.
    /// </summary>
    private static async Task<string> OtherSurfacesAsync(string admin)
    {
        var text = new StringBuilder();
        async Task<AdminBroker.CtlResult> Ctl(params string[] args)
        {
            var result = await AdminBroker.CtlAsync(args);
            text.Append(result.Out).Append(result.Err);
            return result;
        }
        string[][] commands = [["cluster", "show"], ["shards"], ["sessions", "list"], ["token", "show"], ["streams"], ["verdict"], ["slo"], ["traces", "list"]];
        foreach (var command in commands)
            foreach (var json in new[] { false, true })
            {
                var result = await Ctl([.. command, "--node", admin, "--token", AdminToken, .. json ? new[] { "--json" } : []]);
                Assert.True(result.Exit == 0, $"ctl {string.Join(' ', command)} failed: {result.Err}");
            }

        using var http = new HttpClient { BaseAddress = new Uri(admin + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var list = await http.GetStringAsync("admin/traces?limit=1000");
        text.Append(list).Append(await http.GetStringAsync("metrics"));
        var traces = System.Text.Json.JsonDocument.Parse(list).RootElement.GetProperty("traces").EnumerateArray().ToList();
        Assert.Contains(traces, t => t.GetProperty("end_reason").GetString() is "upstream_error" or "auth_error");
        foreach (var trace in traces)
        {
            var id = trace.GetProperty("trace_id").GetString()!;
            text.Append(await http.GetStringAsync("admin/traces/" + Uri.EscapeDataString(id)));
            Assert.Equal(0, (await Ctl("traces", "show", id, "--node", admin, "--token", AdminToken, "--json")).Exit);
            Assert.Equal(0, (await Ctl("traces", "show", id, "--node", admin, "--token", AdminToken)).Exit);
        }

        Assert.Equal(1, (await Ctl("token", "show", "--node", admin, "--token", WrongKey)).Exit);
        var userinfo = await Ctl("cluster", "show", "--node", $"http://ops:{UserinfoSecret}@127.0.0.1:{FreePort.Next()}", "--token", AdminToken);
        Assert.Equal(1, userinfo.Exit);
        Assert.Contains("cannot reach", userinfo.Err, StringComparison.Ordinal);
        return text.ToString();
    }

    private static async Task WaitForLogAsync(string path, string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if ((await new StreamReader(file).ReadToEndAsync()).Contains(requestId, StringComparison.Ordinal)) return;
            await Task.Delay(200);
        }
    }
}
