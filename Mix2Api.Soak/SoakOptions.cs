using System.Globalization;

namespace Mix2Api.Soak;

/// <summary>What one soak run does. <c>--quick</c> is the CI size; the default is the documented full run.</summary>
public sealed record SoakOptions
{
    public const string DefaultFaults = "stall:0.02,drop:0.02,500:0.02,429:0.02,error:0.02,garbage:0.02,drip:0.02";

    public int Requests { get; init; } = 10_000;
    public int Concurrency { get; init; } = 100;
    public int Seed { get; init; } = 1;

    /// <summary>The simulator's random fault mix (<see cref="Mix2Api.Host.Simulator.SimFaultMix"/>).</summary>
    public string Faults { get; init; } = DefaultFaults;

    /// <summary>Share of requests whose client leaves at a random moment.</summary>
    public double AbortRate { get; init; } = 0.05;

    /// <summary>The whole run (start-up, load, checks) must end within this; a run that does not is failed.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A request with no end after this long is a hung request (the broker's idle timeout is 3 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How far the broker's resident memory may end above where it started (both after a forced GC).</summary>
    public long MemoryMarginMb { get; init; } = 64;

    public string BrokerDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "Mix2Api.Host.dll");

    /// <summary>Where the broker's stdout (its JSON log) goes; a temporary file when not given.</summary>
    public string? LogPath { get; init; }

    /// <summary>The cluster soak (<see cref="ClusterSoakRunner"/>): two brokers, node kill, graceful leave, Redis loss.</summary>
    public bool Cluster { get; init; }

    /// <summary>Cluster soak: how long the load runs in each step of a phase (before, during and after each fault).</summary>
    public TimeSpan PhaseTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Cluster soak: the brokers' SHUTDOWN_DRAIN_MS.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Cluster soak: the brokers' SESSION_ASK_TIMEOUT_MS (above the 300 ms default: two brokers on one loaded machine).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Parses <c>[--quick] [--requests N] [--concurrency N] [--seed N] [--faults MIX] [--abort-rate X] [--time-limit-s S]
    /// [--memory-margin-mb N] [--broker-dll PATH] [--log PATH]</c>, and for the cluster soak <c>--cluster [--phase-s S]
    /// [--drain-ms N]</c> (C=40 unless <c>--concurrency</c> is given; <c>--quick</c>: 5 s phases).
    /// </summary>
    public static SoakOptions Parse(string[] args)
    {
        var o = new SoakOptions();
        int? concurrency = null;
        TimeSpan? phase = null;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            o = args[i] switch
            {
                "--quick" => o with { Requests = 1_000, TimeLimit = TimeSpan.FromMinutes(5) },
                "--requests" => o with { Requests = PositiveInt(Value(args, ref i)) },
                "--concurrency" => o with { Concurrency = (concurrency = PositiveInt(Value(args, ref i))).Value },
                "--cluster" => o with { Cluster = true },
                "--phase-s" => o with { PhaseTime = (phase = TimeSpan.FromSeconds(PositiveInt(Value(args, ref i)))).Value },
                "--drain-ms" => o with { Drain = TimeSpan.FromMilliseconds(PositiveInt(Value(args, ref i))) },
                "--seed" => o with { Seed = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture) },
                "--faults" => o with { Faults = Value(args, ref i) },
                "--abort-rate" => o with { AbortRate = Rate(Value(args, ref i)) },
                "--time-limit-s" => o with { TimeLimit = TimeSpan.FromSeconds(PositiveInt(Value(args, ref i))) },
                "--memory-margin-mb" => o with { MemoryMarginMb = PositiveInt(Value(args, ref i)) },
                "--broker-dll" => o with { BrokerDll = Path.GetFullPath(Value(args, ref i)) },
                "--log" => o with { LogPath = Path.GetFullPath(Value(args, ref i)) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}' (known: --quick, --requests N, --concurrency N, --seed N, --faults MIX, --abort-rate X, --time-limit-s S, --memory-margin-mb N, --broker-dll PATH, --log PATH, --cluster, --phase-s S, --drain-ms N)"),
            };
            quick |= args[i] == "--quick";
        }
        return o with
        {
            Concurrency = concurrency ?? (o.Cluster ? 40 : quick ? 50 : o.Concurrency),
            PhaseTime = phase ?? (quick ? TimeSpan.FromSeconds(5) : o.PhaseTime),
        };
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static int PositiveInt(string text)
    {
        var n = int.Parse(text, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"'{text}' must be positive");
    }

    private static double Rate(string text)
    {
        var x = double.Parse(text, CultureInfo.InvariantCulture);
        return x is >= 0 and <= 1 ? x : throw new ArgumentException($"'{text}' must be between 0 and 1");
    }
}
