using System.Runtime;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// The .NET runtime settings a node runs with, and the host's own defaults for them. Most are fixed before any of our
/// code runs: runtimeconfig.json from the publish (tiered compilation on, dynamic PGO off), and three the runtime reads
/// from its environment only (<see cref="EnvironmentDefaults"/>), which the published host gives itself by starting
/// again (<see cref="RelaunchWithDefaults"/>). Inline socket completions the host can still set in-process, because
/// the runtime reads that variable only when the first socket registers with epoll. The start-up log names them all,
/// so an operator sees what a node really runs with.
/// </summary>
public static class RuntimeSettings
{
    /// <summary>"1": socket operations complete on the runtime's epoll threads instead of being handed to the pool.</summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Environment: <c>0</c> runs with the environment as given, <c>1</c> applies the defaults to any build; unset, the published host applies them.</summary>
    public const string DefaultsSwitch = "MIX2API_RUNTIME_DEFAULTS";

    /// <summary>The runtimeconfig.json property the publish sets (Mix2Api.Host.csproj): this is the host as it ships.</summary>
    public const string PublishedProperty = "Mix2Api.PublishedHost";

    /// <summary>Set in the relaunched process: which defaults the host added (and a guard against starting again).</summary>
    public const string AppliedMarker = "MIX2API_RUNTIME_DEFAULTS_APPLIED";

    /// <summary>
    /// Settings the runtime takes from its environment only, read before any managed code runs. No delay before the
    /// tiered JIT starts counting calls: by default it waits 100 ms without new methods being compiled (ten times that
    /// on one core), which a busy node never sees, so its hot code stayed precompiled or tier-0 code; with no delay a
    /// method called 30 times is recompiled fully optimized in the background within the first seconds. And a 16 MiB
    /// gen-0 budget instead of one sized by the L3 cache (hundreds of MiB on large hosts: more memory, colder caches).
    /// On one core they cut CPU per request by a third to a half against the same publish without them
    /// (docs/BENCHMARKS.md), for about half a second more to readiness (2-3 s). And the tiered-compilation worker
    /// never ends when idle (it would after 4 s, and start again at normal priority), so <see cref="BackgroundJitPriority"/>,
    /// when asked to, lowers its priority once; by default it keeps the runtime's.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Value)> EnvironmentDefaults =
        [("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_GCgen0size", "0x1000000"), ("DOTNET_TC_BackgroundWorkerTimeoutMs", "ffffffff")];

    private static string? _relaunchFailure;

    /// <summary>
    /// Starts the node again, in the same process (<see cref="SelfExec"/>), with the <see cref="EnvironmentDefaults"/>
    /// the environment does not set; returns only when there is nothing to add or the restart failed (the start-up log
    /// then says why). Call first, before the node has done anything. Null on success or nothing to do; the start-up
    /// error of an invalid <see cref="DefaultsSwitch"/> otherwise.
    /// </summary>
    public static string? RelaunchWithDefaults()
    {
        var published = AppContext.TryGetSwitch(PublishedProperty, out var isPublished) && isPublished;
        var (missing, error) = MissingDefaults(Environment.GetEnvironmentVariable, published);
        if (error is not null) return error;
        if (missing.Count == 0) return null;
        var applied = (AppliedMarker, string.Join(',', missing.Select(d => $"{d.Name}={d.Value}")));
        _relaunchFailure = SelfExec.Replace([.. missing, applied]);
        return null;
    }

    /// <summary>Which <see cref="EnvironmentDefaults"/> a start should add, given the environment and whether this is the published host.</summary>
    internal static (IReadOnlyList<(string Name, string Value)> Missing, string? Error) MissingDefaults(Func<string, string?> environment, bool published)
    {
        var mode = environment(DefaultsSwitch)?.Trim().ToLowerInvariant();
        bool apply;
        switch (mode)
        {
            case null or "":
                apply = published;
                break;
            case "1" or "true":
                apply = true;
                break;
            case "0" or "false":
                apply = false;
                break;
            default:
                return ([], $"{DefaultsSwitch} must be 0 or 1 (got '{environment(DefaultsSwitch)}')");
        }
        // Already started again: whatever is still missing could not be set, and a second start would not set it either.
        if (!apply || environment(AppliedMarker) is not null) return ([], null);
        return ([.. EnvironmentDefaults.Where(d => RuntimeVariable(environment, d.Name) is null)], null);
    }

    /// <summary>A runtime variable under either of the names the runtime reads (<c>DOTNET_x</c> first, then <c>COMPlus_x</c>).</summary>
    private static string? RuntimeVariable(Func<string, string?> environment, string dotnetName)
        => environment(dotnetName) ?? environment("COMPlus_" + dotnetName["DOTNET_".Length..]);

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
        Func<string, string?> env = Environment.GetEnvironmentVariable;
        // The environment overrides runtimeconfig.json.
        var pgo = RuntimeVariable(env, "DOTNET_TieredPGO") ?? Knob("System.Runtime.TieredPGO");
        var line = $"runtime: {(GCSettings.IsServerGC ? "server" : "workstation")} GC, "
            + $"tiered compilation {(TieredCompilationOn() ? "on" : "off")} (dynamic PGO {OnOff(pgo, onByDefault: true)}, "
            + $"call counting delay {(RuntimeVariable(env, "DOTNET_TC_CallCountingDelayMs") is { } delay ? $"{delay} ms" : "runtime default")}), "
            + $"ReadyToRun code {OnOff(RuntimeVariable(env, "DOTNET_ReadyToRun"), onByDefault: true)}, "
            + $"gen-0 budget {RuntimeVariable(env, "DOTNET_GCgen0size") ?? "runtime default"}, "
            + $"inline socket completions {OnOff(env(InlineCompletions), onByDefault: false)}, "
            + $"{Environment.ProcessorCount} processor(s)";
        if (env(AppliedMarker) is { } applied) line += $"; started again with the host's defaults {applied}";
        if (_relaunchFailure is { } failure) line += $"; the host's defaults not applied: {failure}";
        return line;
    }

    /// <summary>Whether the runtime tiers its code (the environment overrides runtimeconfig.json).</summary>
    public static bool TieredCompilationOn()
        => OnOff(RuntimeVariable(Environment.GetEnvironmentVariable, "DOTNET_TieredCompilation") ?? Knob("System.Runtime.TieredCompilation"), onByDefault: true) == "on";

    /// <summary>A runtimeconfig.json knob as the runtime got it (a JSON true/false arrives as "true"/"false").</summary>
    private static string? Knob(string name) => AppContext.GetData(name)?.ToString();

    private static string OnOff(string? value, bool onByDefault) => value?.Trim().ToLowerInvariant() switch
    {
        "0" or "false" => "off",
        "1" or "true" => "on",
        _ => onByDefault ? "on" : "off",
    };
}
