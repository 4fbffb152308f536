using System.Globalization;
using StackExchange.Redis;

namespace Mix2Api.Actors.State;

/// <summary>How to reach Redis; see <see cref="Hosting.StoreOptions"/> for the env var of each value.</summary>
public sealed record RedisSettings(
    string Url,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan PingInterval)
{
    /// <summary>
    /// Accepts the Node adapter's <c>redis://[:password@]host:port[/db]</c> (and <c>rediss://</c> for TLS) as
    /// well as a StackExchange.Redis configuration string. StackExchange.Redis 1.2.6 has no ACL user names,
    /// so a user name in the URL is ignored.
    /// </summary>
    public ConfigurationOptions ToConfiguration()
    {
        ConfigurationOptions options;
        if (Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss")
        {
            options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
            options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
            var userInfo = Uri.UnescapeDataString(uri.UserInfo);
            if (userInfo.Length > 0)
            {
                var colon = userInfo.IndexOf(':');
                options.Password = colon >= 0 ? userInfo[(colon + 1)..] : userInfo;
            }
            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0 && int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db)) options.DefaultDatabase = db;
        }
        else
        {
            options = ConfigurationOptions.Parse(Url);
        }
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
