using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>In-process brokers on a real redis-server, configured by Node setting names, each test under its own key prefix.</summary>
public static class RedisBrokers
{
    /// <summary>
    /// Redis-mode settings under <paramref name="prefix"/> (sessions at <c>&lt;prefix&gt;:session</c>). The command
    /// timeout is generous so that a loaded machine does not degrade the store under a session test; the outage
    /// test passes the production value.
    /// </summary>
    public static Dictionary<string, string?> Settings(RedisServerFixture redis, string prefix, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SESSION_STORE_MODE"] = "redis",
            ["REDIS_URL"] = redis.ConnectionString,
            ["REDIS_KEY_PREFIX"] = prefix,
            ["REDIS_SESSION_PREFIX"] = prefix + ":session",
            ["REDIS_COMMAND_TIMEOUT_MS"] = "2000",
            ["REDIS_PING_INTERVAL_MS"] = "200",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>A broker whose Redis connection is up (start-up does not wait for it, by design).</summary>
    public static async Task<BrokerHost> StartAsync(Dictionary<string, string?> settings, SimulatorServer? simulator = null,
        Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var broker = await BrokerHost.StartAsync(settings, simulator, logs);
        try
        {
            await WaitForRedisAsync(broker.Client);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    public static Task WaitForRedisAsync(HttpClient client) => Eventually.TrueAsync(async () =>
    {
        var (_, health) = await ClusterChat.HealthAsync(client);
        var store = health.GetProperty("session_store");
        return store.GetProperty("connected").GetBoolean() && !store.GetProperty("degraded").GetBoolean();
    }, TimeSpan.FromSeconds(15), "the broker's Redis store did not connect within 15 s");
}
