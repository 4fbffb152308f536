using System.Globalization;
using System.Text;
using Akka.Configuration;
using Akka.Hosting;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// The plugin block keys both Redis plugins share, in both directions: written by the hosting options, read back by
/// the plugin actors from the config Akka hands them.
/// </summary>
internal static class RedisPersistenceHocon
{
    public static void Write(StringBuilder sb, RedisPersistenceSettings settings)
    {
        sb.AppendLine($"configuration-string = {settings.ConfigurationString.ToHocon()}");
        sb.AppendLine($"key-prefix = {settings.KeyPrefix.ToHocon()}");
        sb.AppendLine($"ttl = {Millis(settings.Ttl ?? TimeSpan.Zero)}");
        sb.AppendLine($"command-timeout = {Millis(settings.CommandTimeout)}");
        sb.AppendLine($"connect-timeout = {Millis(settings.ConnectTimeout)}");
    }

    public static RedisPersistenceSettings Read(Config config)
    {
        var ttl = config.GetTimeSpan("ttl", TimeSpan.Zero);
        var settings = new RedisPersistenceSettings(config.GetString("configuration-string", ""))
        {
            KeyPrefix = config.GetString("key-prefix", "mix2api"),
            Ttl = ttl > TimeSpan.Zero ? ttl : null,
            CommandTimeout = config.GetTimeSpan("command-timeout", TimeSpan.FromSeconds(1)),
            ConnectTimeout = config.GetTimeSpan("connect-timeout", TimeSpan.FromSeconds(2)),
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException($"mix2api: configuration error: {ex.Message}");
        }
        return settings;
    }

    /// <summary>
    /// The plugin block defaults: which class runs it, on which dispatcher, and its circuit breaker. The plugin already
    /// fails fast while Redis is down and bounds every command (command-timeout), so the breaker only has to stop a
    /// burst of failing calls; Akka's default reset-timeout (30 s journal, 60 s snapshot store) kept every session
    /// recovery failing that long after Redis was back (measured by ./soak --cluster), so it is tried again after 1 s.
    /// </summary>
    public static Config Defaults(Type plugin) => ConfigurationFactory.ParseString(
        $"class = {$"{plugin.FullName}, {plugin.Assembly.GetName().Name}".ToHocon()}\n" +
        "plugin-dispatcher = \"akka.actor.default-dispatcher\"\n" +
        "key-prefix = mix2api\nttl = 0ms\ncommand-timeout = 1000ms\nconnect-timeout = 2000ms\n" +
        "circuit-breaker { max-failures = 10, call-timeout = 10s, reset-timeout = 1s }\n");

    private static string Millis(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
