namespace Mix2Api.Bench;

/// <summary>Counts of one run. <c>--quick</c> keeps a run under a minute; the full run takes a few minutes.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    public string BrokerDll { get; init; } = "";
    public string RepoRoot { get; init; } = "";

    /// <summary>Where the markdown section goes; null: do not write it (default for <c>--quick</c>).</summary>
    public string? DocPath { get; init; }

    /// <summary>The core the broker is pinned to (<c>taskset -c</c>); null: not pinned.</summary>
    public string? BrokerCore { get; init; } = "0";

    /// <summary>Mixed load before anything is measured, until the JIT has settled (see <see cref="Warmup.RunMixAsync"/>).</summary>
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Load of the scenario's own shape just before it is measured.</summary>
    public TimeSpan ScenarioWarmupTime { get; init; } = TimeSpan.FromSeconds(3);

    public int TtfbRequests { get; init; } = 1_000;
    public int TtfbChunks { get; init; } = 20;

    public int ThroughputConcurrency { get; init; } = 64;
    public int ThroughputChunks { get; init; } = 200;
    public int ThroughputStreams { get; init; } = 1_920;

    /// <summary>Longer broker streams of s2, to split its CPU into a per-stream and a per-chunk part.</summary>
    public int ThroughputLongChunks { get; init; } = 1_000;
    public int ThroughputLongStreams { get; init; } = 384;

    public IReadOnlyList<int> OpenStreamCounts { get; init; } = [1_000, 10_000];

    /// <summary>Time between two content chunks of a paced stream.</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many streams may be connecting (not yet at their first chunk) at once.</summary>
    public int OpenBurst { get; init; } = 256;

    /// <summary>Extra environment of the broker (<c>--broker-env K=V</c>), to try a setting without a rebuild.</summary>
    public IReadOnlyDictionary<string, string> BrokerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Lowers the broker's open-files limit (<c>--broker-fd-limit N</c>) to watch it run out of descriptors.</summary>
    public int? BrokerFdLimit { get; init; }

    /// <summary>A reproduction to run instead of the scenarios (<c>--probe drain-race</c>); null: none.</summary>
    public string? Probe { get; init; }

    /// <summary>Scenarios to run (s1…s4); null: all.</summary>
    public IReadOnlyList<string>? Only { get; init; }

    public bool Runs(string scenario) => Only is null || Only.Contains(scenario);

    public int NonStreamConcurrency { get; init; } = 32;
    public int NonStreamRequests { get; init; } = 6_000;
    public int NonStreamChunks { get; init; } = 20;

    public static BenchOptions Full(string repoRoot) => new()
    {
        RepoRoot = repoRoot,
        BrokerDll = DefaultBrokerDll(repoRoot),
        DocPath = Path.Combine(repoRoot, "docs", "BENCHMARKS.md"),
    };

    public static BenchOptions QuickRun(string repoRoot) => Full(repoRoot) with
    {
        Quick = true,
        DocPath = null,
        WarmupTime = TimeSpan.FromSeconds(15),
        ScenarioWarmupTime = TimeSpan.FromSeconds(1),
        TtfbRequests = 300,
        ThroughputStreams = 384,
        ThroughputLongStreams = 128,
        OpenStreamCounts = [1_000],
        NonStreamRequests = 1_200,
    };

    public static string DefaultBrokerDll(string repoRoot) =>
        Path.Combine(repoRoot, "Mix2Api.Host", "bin", "Release", "net10.0", "Mix2Api.Host.dll");

    /// <summary>Parses <c>[--quick] [--only s1,s3] [--streams N,N] [--warmup S] [--broker-env K=V] [--broker-dll PATH] [--doc PATH | --no-doc] [--no-pin]</c>.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var root = FindRepoRoot();
        var quick = args.Contains("--quick");
        var options = quick ? QuickRun(root) : Full(root);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--broker-dll":
                    options = options with { BrokerDll = Path.GetFullPath(Value(args, ref i)) };
                    break;
                case "--doc":
                    options = options with { DocPath = Path.GetFullPath(Value(args, ref i)) };
                    break;
                case "--no-doc":
                    options = options with { DocPath = null };
                    break;
                case "--streams":
                    options = options with { OpenStreamCounts = [.. Value(args, ref i).Split(',').Select(int.Parse)] };
                    break;
                case "--only":
                    options = options with { Only = [.. Value(args, ref i).Split(',').Select(x => x.Trim().ToLowerInvariant())] };
                    if (options.Only.Except(["s1", "s2", "s3", "s4"]).Any()) throw new ArgumentException("--only takes s1, s2, s3, s4 (comma-separated)");
                    break;
                case "--broker-env":
                    var pair = Value(args, ref i).Split('=', 2);
                    if (pair.Length != 2) throw new ArgumentException("--broker-env takes NAME=VALUE");
                    options = options with { BrokerEnvironment = new Dictionary<string, string>(options.BrokerEnvironment) { [pair[0]] = pair[1] } };
                    break;
                case "--broker-fd-limit":
                    options = options with { BrokerFdLimit = int.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture) };
                    break;
                case "--warmup":
                    options = options with { WarmupTime = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture)) };
                    break;
                case "--probe":
                    options = options with { Probe = Value(args, ref i), DocPath = null };
                    if (options.Probe != "drain-race") throw new ArgumentException("--probe takes drain-race");
                    break;
                case "--no-pin":
                    options = options with { BrokerCore = null };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (known: --quick, --only s1,s2,s3,s4, --streams N[,N], --warmup SECONDS, --broker-env K=V, --broker-fd-limit N, --broker-dll PATH, --doc PATH, --no-doc, --no-pin, --probe drain-race)");
            }
        }
        return options;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) return dir.FullName;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("run the bench from inside the repository (Mix2Api.Actors.sln not found)");
    }
}
