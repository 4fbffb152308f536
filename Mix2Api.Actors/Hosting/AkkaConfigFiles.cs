using Akka.Configuration;

namespace Mix2Api.Actors.Hosting;

/// <summary>
/// The Akka configuration of the top-level <c>hocon/</c> folder (copied next to the host): <c>base.conf</c>, then
/// <c>{channel}.conf</c> over it when present. Environment-derived settings (SPEC §11) are applied over both.
/// </summary>
public static class AkkaConfigFiles
{
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "hocon");

    public static Config Load(string directory, string channel)
    {
        var basePath = Path.Combine(directory, "base.conf");
        if (!File.Exists(basePath)) throw new FileNotFoundException("the Akka configuration hocon/base.conf is missing next to the host", basePath);
        var config = ConfigurationFactory.ParseString(File.ReadAllText(basePath));
        var channelPath = Path.Combine(directory, channel + ".conf");
        return File.Exists(channelPath) ? ConfigurationFactory.ParseString(File.ReadAllText(channelPath)).WithFallback(config) : config;
    }
}
