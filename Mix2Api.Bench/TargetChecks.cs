using System.Globalization;

namespace Mix2Api.Bench;

/// <summary>One target of issue #2 part 9, what this run measured against it, and the Node adapter's figure.</summary>
public sealed record TargetCheck(string Figure, string Target, string Measured, string Node, bool? Met);

/// <summary>The targets (broker pinned to one core, same machine as its baseline).</summary>
public static class TargetChecks
{
    public const double AddedTtfbP50Ms = 0.25;
    public const double AddedTtfbP99Ms = 1.0;
    public const double CpuMsPer1000Chunks = 1.0;
    public const int ConcurrentStreams = 10_000;
    public const double KbPerStream = 16;
    public const double CpuMsPerNonStreamRequest = 0.10;

    public static IReadOnlyList<TargetCheck> Evaluate(BenchReport r)
    {
        var largest = r.OpenStreams.MaxBy(s => s.Streams);
        var full = r.OpenStreams.FirstOrDefault(s => s.Streams >= ConcurrentStreams);
        return
        [
            new("added TTFB p50 (s1)", $"≤ {F(AddedTtfbP50Ms)} ms", $"{Signed(r.Ttfb.AddedP50)} ms", "+0.92 ms", r.Ttfb.AddedP50 <= AddedTtfbP50Ms),
            new("added TTFB p99 (s1)", $"≤ {F(AddedTtfbP99Ms)} ms", $"{Signed(r.Ttfb.AddedP99)} ms", "+2.62 ms", r.Ttfb.AddedP99 <= AddedTtfbP99Ms),
            new("broker CPU per 1,000 chunks (s2)", $"≤ {F(CpuMsPer1000Chunks)} ms", $"{F(r.Throughput.BrokerCpuMsPer1000Chunks)} ms", "6.9 ms",
                r.Throughput.BrokerCpuMsPer1000Chunks <= CpuMsPer1000Chunks),
            new("10,000 concurrent streams, no failure (s3)", "0 failures",
                full is null ? "not run (quick mode)" : $"{full.Failures} failures, {full.Opened:N0} open at once", "-",
                full is null ? null : full.Failures == 0 && full.Opened == full.Streams),
            new($"broker memory per open stream (s3, N={largest?.Streams:N0})", $"≤ {F(KbPerStream)} KB",
                largest is null ? "not run" : $"{F(largest.KbPerStream)} KB", "29 KB",
                largest is null ? null : largest.KbPerStream <= KbPerStream),
            new("broker CPU per non-stream request (s4)", $"≤ {F(CpuMsPerNonStreamRequest)} ms", $"{F(r.NonStream.BrokerCpuMsPerRequest)} ms", "0.55 ms",
                r.NonStream.BrokerCpuMsPerRequest <= CpuMsPerNonStreamRequest),
        ];
    }

    public static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "n/a" };

    internal static string F(double value) => value.ToString(Math.Abs(value) < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    internal static string Signed(double value) => (value >= 0 ? "+" : "") + F(value);
}
