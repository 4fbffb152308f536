using StackExchange.Redis;

namespace Mix2Api.Actors.State;

/// <summary>How to reach Redis; see <see cref="Hosting.StoreOptions"/> for the env var of each value.</summary>
public sealed record RedisSettings(
    string Url,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan PingInterval)
{
    /// <summary>The URL or configuration string as <see cref="Persistence.RedisConnectionString"/> reads it, with this store's timeouts.</summary>
    public ConfigurationOptions ToConfiguration()
    {
        var options = Persistence.RedisConnectionString.Parse(Url);
        // Never let a request wait on a reconnect: fail commands fast and reconnect in the background.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        options.SyncTimeout = Math.Max(1, (int)CommandTimeout.TotalMilliseconds);
        options.ConnectRetry = 1;
        options.KeepAlive = Math.Max(1, (int)PingInterval.TotalSeconds);
        options.ClientName = "mix2api";
        return options;
    }
}
