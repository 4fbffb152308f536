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
    public long MemoryMarginMb { get; init; } = 128;

    public string BrokerDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "Mix2Api.Host.dll");

    /// <summary>Where the broker's stdout (its JSON log) goes; a temporary file when not given.</summary>
    public string? LogPath { get; init; }

    /// <summary>Parses <c>[--quick] [--requests N] [--concurrency N] [--seed N] [--faults MIX] [--abort-rate X] [--time-limit-s S] [--memory-margin-mb N] [--broker-dll PATH] [--log PATH]</c>.</summary>
    public static SoakOptions Parse(string[] args)
    {
        var o = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            o = args[i] switch
            {
                "--quick" => o with { Requests = 1_000, Concurrency = 50, TimeLimit = TimeSpan.FromMinutes(5) },
                "--requests" => o with { Requests = PositiveInt(Value(args, ref i)) },
                "--concurrency" => o with { Concurrency = PositiveInt(Value(args, ref i)) },
                "--seed" => o with { Seed = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture) },
                "--faults" => o with { Faults = Value(args, ref i) },
                "--abort-rate" => o with { AbortRate = Rate(Value(args, ref i)) },
                "--time-limit-s" => o with { TimeLimit = TimeSpan.FromSeconds(PositiveInt(Value(args, ref i))) },
                "--memory-margin-mb" => o with { MemoryMarginMb = PositiveInt(Value(args, ref i)) },
                "--broker-dll" => o with { BrokerDll = Path.GetFullPath(Value(args, ref i)) },
                "--log" => o with { LogPath = Path.GetFullPath(Value(args, ref i)) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}' (known: --quick, --requests N, --concurrency N, --seed N, --faults MIX, --abort-rate X, --time-limit-s S, --memory-margin-mb N, --broker-dll PATH, --log PATH)"),
            };
        }
        return o;
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
