using System.Globalization;
using Akka.Configuration;
using Akka.Hosting;

namespace Mix2Api.Actors.Persistence;

/// <summary>The plugin block both in-memory plugins share: which class runs it, and the TTL (written by the hosting options, read back by the plugin actors).</summary>
internal static class ExpiringMemoryHocon
{
    public static string Write(TimeSpan ttl) => $"ttl = {((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    public static TimeSpan ReadTtl(Config config)
    {
        var ttl = config.GetTimeSpan("ttl", TimeSpan.Zero);
        return ttl > TimeSpan.Zero ? ttl : throw new ConfigurationException("mix2api: configuration error: the in-memory session store needs a positive ttl (SESSION_TTL_MS)");
    }

    public static Config Defaults(Type plugin) => ConfigurationFactory.ParseString(
        $"class = {$"{plugin.FullName}, {plugin.Assembly.GetName().Name}".ToHocon()}\n" +
        "plugin-dispatcher = \"akka.actor.default-dispatcher\"\nttl = 0ms\n");
}
