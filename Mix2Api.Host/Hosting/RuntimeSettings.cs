using System.Runtime;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// The .NET runtime settings a node runs with. Most are fixed before any of our code runs (runtimeconfig.json from
/// the publish, environment variables from the Docker image); inline socket completions are the one the host can
/// still default itself, because the runtime reads its variable only when the first socket registers with epoll.
/// The start-up log names them all, so an operator sees what a node really runs with.
/// </summary>
public static class RuntimeSettings
{
    /// <summary>"1": socket operations complete on the runtime's epoll threads instead of being handed to the pool.</summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline socket completions on unless the environment says otherwise (set it to 0 to keep the thread-pool
    /// hand-off). Must run before the process opens its first socket. On one core it cut a quarter of the CPU per
    /// non-stream request and most thread switches (docs/BENCHMARKS.md); a large request body is still processed on
    /// the pool (<see cref="Endpoints.RequestBodyReader"/>).
    /// </summary>
    public static void ApplyDefaults()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null) Environment.SetEnvironmentVariable(InlineCompletions, "1");
    }

    /// <summary>One line for the start-up log.</summary>
    public static string Describe()
    {
        // The environment overrides runtimeconfig.json.
        var tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? AppContext.GetData("System.Runtime.TieredCompilation") as string;
        return $"runtime: {(GCSettings.IsServerGC ? "server" : "workstation")} GC, "
            + $"tiered compilation {OnOff(tiered, onByDefault: true)}, "
            + $"framework ReadyToRun code {OnOff(Environment.GetEnvironmentVariable("DOTNET_ReadyToRun"), onByDefault: true)}, "
            + $"gen-0 budget {Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "runtime default"}, "
            + $"inline socket completions {OnOff(Environment.GetEnvironmentVariable(InlineCompletions), onByDefault: false)}, "
            + $"{Environment.ProcessorCount} processor(s)";
    }

    private static string OnOff(string? value, bool onByDefault) => value?.Trim().ToLowerInvariant() switch
    {
        "0" or "false" => "off",
        "1" or "true" => "on",
        _ => onByDefault ? "on" : "off",
    };
}
