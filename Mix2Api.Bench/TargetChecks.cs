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
        var checks = new List<TargetCheck>();
        const string notRun = "not run";
        var s1 = r.Ttfb;
        checks.Add(new("added TTFB p50 (s1)", $"≤ {F(AddedTtfbP50Ms)} ms", s1 is null ? notRun : $"{Signed(s1.AddedP50)} ms", "+0.92 ms", s1 is null ? null : s1.AddedP50 <= AddedTtfbP50Ms));
        checks.Add(new("added TTFB p99 (s1)", $"≤ {F(AddedTtfbP99Ms)} ms", s1 is null ? notRun : $"{Signed(s1.AddedP99)} ms", "+2.62 ms", s1 is null ? null : s1.AddedP99 <= AddedTtfbP99Ms));
        var s2 = r.Throughput;
        checks.Add(new("broker CPU per 1,000 chunks (s2)", $"≤ {F(CpuMsPer1000Chunks)} ms", s2 is null ? notRun : $"{F(s2.BrokerCpuMsPer1000Chunks)} ms", "6.9 ms",
            s2 is null ? null : s2.BrokerCpuMsPer1000Chunks <= CpuMsPer1000Chunks));

        var full = r.OpenStreams.FirstOrDefault(s => s.Requested >= ConcurrentStreams);
        checks.Add(new("10,000 concurrent streams, no failure (s3)", "0 failures",
            full is null ? notRun
                : $"{full.Failures} failures, {full.Opened:N0} open at once{(full.Capped ? $" (N capped to {full.Streams:N0} by the open-files limit)" : "")}",
            "-", full is null ? null : full.Failures > 0 || full.Opened < full.Streams ? false : full.Capped ? null : true));
        var largest = r.OpenStreams.MaxBy(s => s.Streams);
        checks.Add(new($"broker memory per open stream (s3{(largest is null ? "" : $", N={largest.Streams:N0}")})", $"≤ {F(KbPerStream)} KB",
            largest is null ? notRun : $"{F(largest.KbPerStream)} KB", "29 KB", largest is null ? null : largest.KbPerStream <= KbPerStream));

        var s4 = r.NonStream;
        checks.Add(new("broker CPU per non-stream request (s4)", $"≤ {F(CpuMsPerNonStreamRequest)} ms", s4 is null ? notRun : $"{F(s4.BrokerCpuMsPerRequest)} ms",
            "0.55 ms", s4 is null ? null : s4.BrokerCpuMsPerRequest <= CpuMsPerNonStreamRequest));
        return checks;
    }

    public static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "n/a" };

    internal static string F(double value) => value.ToString(Math.Abs(value) < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    internal static string Signed(double value) => (value >= 0 ? "+" : "") + F(value);
}
