using static Mix2Api.Bench.TargetChecks;

namespace Mix2Api.Bench;

/// <summary>The tables of a run, shared by the console output and the markdown document.</summary>
public static class ReportTables
{
    public static Table Figures(BenchReport r)
    {
        var t = new Table("scenario", "figure", "broker", "direct (baseline)", "broker − direct / note");
        if (r.Ttfb is { } s1)
        {
            t.Row($"s1 C=1, {s1.Chunks} chunks, {s1.Requests} req", "TTFB p50", Ms(s1.BrokerP50), Ms(s1.DirectP50), Signed(s1.AddedP50) + " ms");
            t.Row("", "TTFB p99", Ms(s1.BrokerP99), Ms(s1.DirectP99), Signed(s1.AddedP99) + " ms");
            t.Row("", "broker CPU per request", Ms(s1.BrokerCpuMsPerRequest), "-", $"{s1.Failures} failures");
            // Both counters tick at 10 ms, so a near-zero difference can come out slightly negative.
            t.Row("", "other load on the broker's core", Pct(Math.Max(0, s1.OtherCpuOnBrokerCoreMs / s1.WallMs)), "-",
                $"CPU {r.BrokerCpus} busy with anything but the broker (other processes, interrupts) during s1");
        }
        if (r.Throughput is { } s2)
        {
            t.Row($"s2 C={s2.Concurrency}, {s2.ChunksPerStream} chunks, {s2.Broker.Streams} streams", "chunks/s",
                s2.Broker.ChunksPerSecond.ToString("N0"), s2.Direct.ChunksPerSecond.ToString("N0"), $"{s2.Broker.Failures + s2.Direct.Failures} failures");
            t.Row("", "broker CPU per 1,000 chunks", Ms(s2.BrokerCpuMsPer1000Chunks), "-",
                $"includes per-request cost; ~{Pct(s2.Broker.Use.BrokerSystemShare)} in the kernel");
            t.Row("", "core busy: broker / bench", Pct(s2.Broker.Use.BrokerCore) + " / " + Pct(s2.Broker.Use.BenchCore),
                "- / " + Pct(s2.Direct.Use.BenchCore), "bench = simulator + load generator");
            t.Row($"s2 long: {s2.LongBroker.Streams} streams of {s2.LongChunksPerStream} chunks", "chunks/s; CPU per 1,000 chunks",
                $"{s2.LongBroker.ChunksPerSecond:N0}; {Ms(s2.LongBroker.Use.BrokerCpuMs / (s2.LongBroker.Chunks / 1000.0))}", "-",
                $"{s2.LongBroker.Failures} failures; core busy {Pct(s2.LongBroker.Use.BrokerCore)} / {Pct(s2.LongBroker.Use.BenchCore)}");
            t.Row("", "split: fixed per stream + marginal", $"{Ms(s2.FixedCpuMsPerStream)} + {Ms(s2.MarginalCpuMsPer1000Chunks)} per 1,000 chunks", "-",
                "line through the short- and long-stream points");
        }
        foreach (var s3 in r.OpenStreams)
        {
            var (b, d) = (s3.Broker, s3.Direct);
            t.Row($"s3 N={s3.Streams:N0} paced streams{(s3.Capped ? $" (asked {s3.Requested:N0})" : "")}", "open at once / failures",
                $"{b.Opened:N0} / {b.Failures}", $"{d.Opened:N0} / {d.Failures}", $"broker counted {b.BrokerSeenOpen:N0} open");
            t.Row("", "ramp (all open)", $"{b.RampSeconds:0.0} s", $"{d.RampSeconds:0.0} s", $"{r.Options.OpenBurst} connecting at a time");
            t.Row("", "broker RSS idle → all open", $"{Mib(b.BrokerIdleRssKb)} → {Mib(b.BrokerOpenRssKb)}", "-", $"{b.BrokerThreads} threads");
            t.Row("", "broker memory per open stream", $"{F(s3.KbPerStream)} KB", "-", "(RSS open − RSS idle) / N");
            t.Row("", "bench memory per stream", "-", $"{F(d.BenchKbPerStream(s3.Streams))} KB",
                "simulator + client: one Kestrel and one HttpClient connection per stream");
            t.Row("", "core busy: broker / bench", Pct(b.Use.BrokerCore) + " / " + Pct(b.Use.BenchCore), "- / " + Pct(d.Use.BenchCore),
                $"whole phase ({b.Use.WallMs / 1000:0} s / {d.Use.WallMs / 1000:0} s)");
        }
        if (r.NonStream is { } s4)
        {
            t.Row($"s4 non-stream C={s4.Concurrency}, {s4.Requests} req", "requests/s", s4.BrokerRequestsPerSecond.ToString("N0"),
                s4.DirectRequestsPerSecond.ToString("N0"), $"{s4.Failures} failures");
            t.Row("", "broker CPU per request", Ms(s4.BrokerCpuMsPerRequest), "-", $"~{Pct(s4.Broker.BrokerSystemShare)} in the kernel");
            t.Row("", "core busy: broker / bench", Pct(s4.Broker.BrokerCore) + " / " + Pct(s4.Broker.BenchCore), "- / " + Pct(s4.Direct.BenchCore), "");
        }
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
        if (r.Ttfb is { Failures: > 0 } s1) yield return $"s1: {s1.FailureSample}";
        if (r.Throughput is { } s2)
        {
            if (s2.Broker.Failures > 0) yield return $"s2 broker: {s2.Broker.FailureSample}";
            if (s2.LongBroker.Failures > 0) yield return $"s2 long: {s2.LongBroker.FailureSample}";
            if (s2.Direct.Failures > 0) yield return $"s2 direct: {s2.Direct.FailureSample}";
        }
        foreach (var s3 in r.OpenStreams)
        {
            if (s3.Broker.Failures > 0) yield return $"s3 N={s3.Streams} broker: {s3.Broker.FailureSample}";
            if (s3.Direct.Failures > 0) yield return $"s3 N={s3.Streams} direct: {s3.Direct.FailureSample}";
        }
        if (r.NonStream is { Failures: > 0 } s4) yield return $"s4: {s4.FailureSample}";
    }

    private static string Ms(double ms) => F(ms) + " ms";

    private static string Pct(double share) => (share * 100).ToString("0") + "%";

    private static string Mib(long kb) => (kb / 1024.0).ToString("0.0") + " MiB";
}
