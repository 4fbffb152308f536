using static Mix2Api.Bench.TargetChecks;

namespace Mix2Api.Bench;

/// <summary>The tables of a run, shared by the console output and the markdown document.</summary>
public static class ReportTables
{
    public static Table Figures(BenchReport r)
    {
        var t = new Table("scenario", "figure", "broker", "direct (baseline)", "broker − direct / note");
        var s1 = r.Ttfb;
        t.Row($"s1 C=1, {s1.Chunks} chunks, {s1.Requests} req", "TTFB p50", Ms(s1.BrokerP50), Ms(s1.DirectP50), Signed(s1.AddedP50) + " ms");
        t.Row("", "TTFB p99", Ms(s1.BrokerP99), Ms(s1.DirectP99), Signed(s1.AddedP99) + " ms");
        t.Row("", "broker CPU per request", Ms(s1.BrokerCpuMsPerRequest), "-", $"{s1.Failures} failures");

        var s2 = r.Throughput;
        t.Row($"s2 C={s2.Concurrency}, {s2.ChunksPerStream} chunks, {s2.Broker.Streams} streams", "chunks/s",
            s2.Broker.ChunksPerSecond.ToString("N0"), s2.Direct.ChunksPerSecond.ToString("N0"), $"{s2.Broker.Failures + s2.Direct.Failures} failures");
        t.Row("", "broker CPU per 1,000 chunks", Ms(s2.BrokerCpuMsPer1000Chunks), "-", "includes per-request cost");
        t.Row("", "core busy: broker / bench", Pct(s2.Broker.Use.BrokerCore) + " / " + Pct(s2.Broker.Use.BenchCore),
            "- / " + Pct(s2.Direct.Use.BenchCore), "bench = simulator + load generator");

        foreach (var s3 in r.OpenStreams)
        {
            t.Row($"s3 N={s3.Streams:N0} paced streams", "open at once / failures", $"{s3.Opened:N0} / {s3.Failures}", "-",
                $"ramp {s3.RampSeconds:0.0} s; broker counted {s3.BrokerSeenOpen:N0} open");
            t.Row("", "broker RSS idle → all open", $"{Mib(s3.IdleRssKb)} → {Mib(s3.OpenRssKb)}", "-", $"{s3.BrokerThreads} threads");
            t.Row("", "memory per open stream", $"{F(s3.KbPerStream)} KB", $"{F(s3.BenchKbPerStream)} KB (bench)",
                "bench = simulator + client sides");
            t.Row("", "core busy: broker / bench", Pct(s3.Use.BrokerCore) + " / " + Pct(s3.Use.BenchCore), "-", $"over {s3.Use.WallMs / 1000:0.0} s");
        }

        var s4 = r.NonStream;
        t.Row($"s4 non-stream C={s4.Concurrency}, {s4.Requests} req", "requests/s", s4.BrokerRequestsPerSecond.ToString("N0"),
            s4.DirectRequestsPerSecond.ToString("N0"), $"{s4.Failures} failures");
        t.Row("", "broker CPU per request", Ms(s4.BrokerCpuMsPerRequest), "-", "");
        t.Row("", "core busy: broker / bench", Pct(s4.Broker.BrokerCore) + " / " + Pct(s4.Broker.BenchCore), "- / " + Pct(s4.Direct.BenchCore), "");
        return t;
    }

    public static Table Targets(BenchReport r)
    {
        var t = new Table("target", "goal", "measured", "Node adapter", "verdict");
        foreach (var c in Evaluate(r)) t.Row(c.Figure, c.Target, c.Measured, c.Node, Verdict(c.Met));
        return t;
    }

    public static IEnumerable<string> FailureSamples(BenchReport r)
    {
        if (r.Ttfb.Failures > 0) yield return $"s1: {r.Ttfb.FailureSample}";
        if (r.Throughput.Broker.Failures > 0) yield return $"s2 broker: {r.Throughput.Broker.FailureSample}";
        if (r.Throughput.Direct.Failures > 0) yield return $"s2 direct: {r.Throughput.Direct.FailureSample}";
        foreach (var s3 in r.OpenStreams.Where(s => s.Failures > 0)) yield return $"s3 N={s3.Streams}: {s3.FailureSample}";
        if (r.NonStream.Failures > 0) yield return $"s4: {r.NonStream.FailureSample}";
    }

    private static string Ms(double ms) => F(ms) + " ms";

    private static string Pct(double share) => (share * 100).ToString("0") + "%";

    private static string Mib(long kb) => (kb / 1024.0).ToString("0.0") + " MiB";
}
