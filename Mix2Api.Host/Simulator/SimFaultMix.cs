using System.Globalization;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// A random fault per chat request, each kind with its own probability (the soak's upstream). Parsed from
/// <c>stall:0.02,drop:0.02,500:0.02,429:0.02,error:0.02,garbage:0.02,drip:0.02</c>; what is left to 1 is a
/// normal answer (the directive, queued or default script). Seeded mixes draw the same sequence every run.
/// </summary>
public sealed class SimFaultMix
{
    /// <summary>Fault names the mix accepts, in the order <see cref="Describe"/> lists them.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["stall", "drop", "500", "429", "error", "garbage", "drip", "truncated", "abort"];

    private readonly (string Kind, double Upper, SimScript Script)[] _table;
    private readonly Random _random;
    private readonly Lock _lock = new();

    private SimFaultMix((string Kind, double Probability)[] entries, int? seed)
    {
        var upper = 0.0;
        _table = new (string, double, SimScript)[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            upper += entries[i].Probability;
            _table[i] = (entries[i].Kind, upper, ScriptFor(entries[i].Kind));
        }
        _random = seed is { } s ? new Random(s) : new Random();
    }

    /// <summary>The probabilities as given, e.g. <c>stall:0.02,drop:0.02</c>.</summary>
    public string Describe() => string.Join(',', _table.Select((e, i) =>
        $"{e.Kind}:{(e.Upper - (i == 0 ? 0 : _table[i - 1].Upper)).ToString("0.####", CultureInfo.InvariantCulture)}"));

    /// <summary>Parses the mix, or explains what is wrong with it (one message, no exception).</summary>
    public static bool TryParse(string text, int? seed, out SimFaultMix? mix, out string? error)
    {
        mix = null;
        error = null;
        var entries = new List<(string, double)>();
        var total = 0.0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            var kind = (colon < 0 ? part : part[..colon]).Trim().ToLowerInvariant();
            if (!Kinds.Contains(kind))
            {
                error = $"unknown fault '{kind}' (known: {string.Join(", ", Kinds)})";
                return false;
            }
            if (colon < 0 || !double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1 || double.IsNaN(p))
            {
                error = $"fault '{kind}' needs a probability between 0 and 1 (e.g. {kind}:0.02)";
                return false;
            }
            if (entries.Exists(e => e.Item1 == kind))
            {
                error = $"fault '{kind}' is given twice";
                return false;
            }
            entries.Add((kind, p));
            total += p;
        }
        if (total > 1.0000001)
        {
            error = $"the fault probabilities add up to {total.ToString("0.###", CultureInfo.InvariantCulture)}, more than 1";
            return false;
        }
        mix = new SimFaultMix([.. entries], seed);
        return true;
    }

    public static SimFaultMix Parse(string text, int? seed = null) =>
        TryParse(text, seed, out var mix, out var error) ? mix! : throw new FormatException("simulator fault mix: " + error);

    /// <summary>The fault script for this request, or null for a normal answer.</summary>
    public SimScript? Draw()
    {
        double x;
        lock (_lock) x = _random.NextDouble();
        foreach (var (_, upper, script) in _table)
            if (x < upper) return script;
        return null;
    }

    // Each fault as the real upstream or network produces it; short pauses so a soak stays bounded in time.
    private static SimScript ScriptFor(string kind) => kind switch
    {
        "stall" => SimScripts.StallAfterFirstChunk(keepAlive: false),
        "drop" => SimScripts.DropMidStream(TimeSpan.FromMilliseconds(20)),
        "500" => SimScripts.Status(500),
        "429" => SimScripts.Status(429, retryAfter: "1"),
        "error" => SimScripts.ErrorFrame(),
        "garbage" => SimScripts.GarbageFrame(),
        "drip" => SimScripts.SlowDrip(TimeSpan.FromMilliseconds(3)),
        "truncated" => SimScripts.Truncated(),
        "abort" => SimScripts.AbortFrame(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
