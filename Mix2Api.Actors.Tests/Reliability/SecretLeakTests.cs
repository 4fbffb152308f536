using System.Net.Http.Headers;
using System.Text;
using Mix2Api.Host.Simulator;
using Mix2Api.Soak;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// Known secrets (inbound keys, a wrong key a client tried, the upstream token, the managed login body, the Redis
/// password) never appear anywhere an operator or a client can read: the broker process's whole stdout/stderr at
/// every log level, /metrics, /health, /v1/models and every response (error bodies included), across every request
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
            seen.Append(await OtherSurfacesAsync(broker, http));
            if (level is "Debug" or "Information")
                await WaitForLogAsync(logPath, lastId); // everything was logged before the process is stopped
        }

        var log = await File.ReadAllTextAsync(logPath);
        File.Delete(logPath);
        if (level is "Debug" or "Information") Assert.Contains("request.completed", log); // the capture works: the scan is not vacuous
        Assert.Contains("mix2api_requests", seen.ToString());
        var secrets = new List<string>([.. InboundKeys, WrongKey, LoginPassword, RedisPassword, UserinfoSecret]);
        secrets.Add(authMode == "static" ? StaticUpstreamToken : "sim-token-");
        foreach (var secret in secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the broker's log at {level}");
            Assert.False(seen.ToString().Contains(secret, StringComparison.Ordinal), $"'{secret}' is in a response, /metrics or /health");
        }
        if (authMode == "managed") Assert.True(sim.LoginCount >= 1, $"the login (with its secret body) really happened (logins: {sim.LoginCount})");
        else Assert.All(sim.ChatRequests, r => Assert.Equal(StaticUpstreamToken, r.BearerToken));
    }

    /// <summary>
    /// Extension point for surfaces that do not exist on this branch yet: the <c>ctl</c> verb's output and the
    /// admin endpoint's sampled traces (SPEC §10). Return their text here once they exist; it is scanned like the rest.
    /// </summary>
    private static Task<string> OtherSurfacesAsync(SoakBroker broker, HttpClient client) => Task.FromResult("");

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
