using Mix2Api.Host.Simulator;

namespace Mix2Api.Bench;

/// <summary>One run: simulator in this process, broker as a pinned child, the four scenarios, the report.</summary>
public static class BenchRunner
{
    // Descriptors a process needs besides the two sockets per stream (runtime, listeners, pools, /proc reads).
    private const int FdReserve = 600;

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        if (!File.Exists(options.BrokerDll))
        {
            await output.WriteLineAsync($"bench: broker not found at {options.BrokerDll} (build it: dotnet build -c Release Mix2Api.Host)");
            return 2;
        }
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Read();
        var selfCpus = ProcessStats.AllowedCpus(Environment.ProcessId);
        await output.WriteLineAsync($"Mix2Api bench ({(options.Quick ? "quick" : "full")}) on {machine.Cores} cores, {machine.CpuModel}; load {machine.LoadAverage}");
        await output.WriteLineAsync($"bench process (simulator + load generator) on CPU {selfCpus}; open-files limit {machine.OpenFilesLimit}");
        if (options.BrokerCore is not null && !BrokerProcess.TasksetExists())
            await output.WriteLineAsync("taskset not found: the broker runs UNPINNED (figures are not comparable with pinned runs)");
        var needFds = 2L * options.OpenStreamCounts.DefaultIfEmpty(0).Max() + FdReserve;
        if (machine.OpenFilesLimit < needFds)
            await output.WriteLineAsync($"warning: open-files limit {machine.OpenFilesLimit} < {needFds} needed by s3 (run through ./bench, which raises it)");

        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RecordLimit = 64 });
        await using var broker = await BrokerProcess.StartAsync(options.BrokerDll, simulator.BaseUrl, options.BrokerCore,
            options.BrokerEnvironment, options.BrokerFdLimit, TimeSpan.FromSeconds(60));
        var brokerCpus = ProcessStats.AllowedCpus(broker.Pid);
        await output.WriteLineAsync($"broker pid {broker.Pid} on CPU {brokerCpus}{(broker.Pinned ? " (taskset)" : " (not pinned)")}, "
            + $"open-files limit {ProcessStats.OpenFilesLimit(broker.Pid)}; simulator at {simulator.BaseUrl}"
            + string.Concat(options.BrokerEnvironment.Select(e => $"; broker env {e.Key}={e.Value}")));

        using var client = new LoadClient();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ctx = new BenchContext(options, broker, simulator, client, output);

        if (options.Probe == "drain-race")
        {
            var failed = await DrainRaceProbe.RunAsync(ctx, 200);
            if (broker.LogLines > 0) await output.WriteLineAsync($"broker wrote {broker.LogLines} log lines (all in {broker.LogPath})");
            return failed == 0 ? 0 : 1;
        }

        await output.WriteLineAsync($"warm-up: {options.WarmupTime.TotalSeconds:0} s of every request shape, broker and direct");
        await Warmup.RunMixAsync(ctx);
        EnsureAlive(broker);

        try
        {
            return await RunScenariosAsync(options, output, started, machine, selfCpus, broker, brokerCpus, probe, ctx);
        }
        catch (Exception e) when (broker.HasExited)
        {
            // Whatever failed in the bench, the broker's death is the news.
            await output.WriteLineAsync($"bench: stopped: {broker.DescribeExit()}\n(bench side: {e.GetType().Name}: {e.Message})");
            return 1;
        }
    }

    private static async Task<int> RunScenariosAsync(BenchOptions options, TextWriter output, DateTimeOffset started, MachineInfo machine,
        string selfCpus, BrokerProcess broker, string brokerCpus, HttpClient probe, BenchContext ctx)
    {
        TtfbResult? ttfb = null;
        ThroughputResult? throughput = null;
        NonStreamResult? nonStream = null;
        if (options.Runs("s1"))
        {
            await output.WriteLineAsync("s1: time to first chunk, C=1");
            ttfb = await TtfbScenario.RunAsync(ctx);
            EnsureAlive(broker);
        }
        if (options.Runs("s2"))
        {
            await output.WriteLineAsync($"s2: throughput, C={options.ThroughputConcurrency}");
            throughput = await ThroughputScenario.RunAsync(ctx);
            EnsureAlive(broker);
        }
        if (options.Runs("s4"))
        {
            await output.WriteLineAsync($"s4: non-stream, C={options.NonStreamConcurrency}");
            nonStream = await NonStreamScenario.RunAsync(ctx);
            EnsureAlive(broker);
        }
        IReadOnlyList<OpenStreamsResult> open = [];
        if (options.Runs("s3") && options.OpenStreamCounts.Count > 0)
        {
            // With --broker-fd-limit the point is to let the broker run out: only the bench's own limit caps N.
            var fdLimit = options.BrokerFdLimit is null ? Math.Min(machine.OpenFilesLimit, ProcessStats.OpenFilesLimit(broker.Pid)) : machine.OpenFilesLimit;
            var maxStreams = (int)Math.Min(int.MaxValue, (fdLimit - FdReserve) / 2);
            var counts = options.OpenStreamCounts.Select(requested => (requested, Math.Min(requested, maxStreams))).ToList();
            foreach (var (requested, n) in counts.Where(c => c.Item2 < c.requested))
                await output.WriteLineAsync($"s3: {requested:N0} streams need 2 × N descriptors in the broker and in the bench process; "
                    + $"the open-files limit is {fdLimit} and cannot be raised here: running N={n:N0}");
            await output.WriteLineAsync($"s3: {string.Join(", ", counts.Select(c => c.Item2.ToString("N0")))} concurrent paced streams, direct then broker");
            open = await OpenStreamsScenario.RunAsync(ctx, counts, probe);
            EnsureAlive(broker);
        }

        var report = new BenchReport(started, DateTimeOffset.UtcNow - started, options, machine, broker.Pinned, brokerCpus, selfCpus,
            ttfb, throughput, open, nonStream, ProcessStats.PeakRssKb(broker.Pid), broker.LogLines, broker.FirstLogLines,
            MachineInfo.LoadAverageNow());
        await output.WriteLineAsync();
        await output.WriteAsync(ReportTables.Figures(report).ToText());
        await output.WriteLineAsync();
        await output.WriteAsync(ReportTables.Targets(report).ToText());
        foreach (var failure in ReportTables.FailureSamples(report)) await output.WriteLineAsync("failures " + failure);
        if (broker.LogLines > 0)
        {
            await output.WriteLineAsync($"broker wrote {broker.LogLines} log lines (all in {broker.LogPath}); first:");
            foreach (var line in broker.FirstLogLines.Take(5)) await output.WriteLineAsync("  " + Clip(line));
        }
        await output.WriteLineAsync($"run took {report.Duration.TotalSeconds:0} s");
        if (options.DocPath is not null)
        {
            MarkdownReport.Write(report, options.DocPath);
            await output.WriteLineAsync($"wrote {options.DocPath}");
        }
        return 0;
    }

    /// <summary>A log line cut to a readable length (JSON log lines run to a kilobyte).</summary>
    public static string Clip(string line) => line.Length <= 240 ? line : line[..240] + "…";

    private static void EnsureAlive(BrokerProcess broker)
    {
        if (broker.HasExited)
            throw new BrokerExitedException(broker.DescribeExit());
    }
}
