using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Soak;

/// <summary>
/// <c>./soak --cluster</c>: two published brokers joined by CLUSTER_SEED_NODES on one redis-server and one simulator,
/// conversations running on both, and under that load, in turn: (a) SIGKILL of one node, then its restart and rejoin;
/// (c) redis-server killed and started again, then paused (SIGSTOP) and resumed; (b) SIGTERM of the other node while it
/// has open paced streams. Then one <c>PASS|FAIL</c> line per check and <c>N passed, M failed</c>.
/// </summary>
public static class ClusterSoakRunner
{
    // What a turn may cost on top of its normal time when a node or Redis is lost: its two session asks (begin and
    // end, SESSION_ASK_TIMEOUT_MS each; the journal's own command timeout is behind them, never in front of a request),
    // plus this allowance for two brokers, Redis and the clients sharing one loaded machine.
    private static readonly TimeSpan LoadAllowance = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PacedDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How many PASS lines a run that passes prints.</summary>
    public const int CheckCount = 13;

    // A session ask that misses its timeout on a loaded machine starts that turn over on a new upstream session: not a
    // failure, but more than a few of them would mean sessions do not survive the cluster.
    private const double MinKept = 0.9;

    public static async Task<SoakResult> RunAsync(SoakOptions o, TextWriter output)
    {
        var report = new SoakReport(output);

        var clock = Stopwatch.StartNew();
        var inboundKeys = new[] { "sk-csoak-a-" + Guid.NewGuid().ToString("N"), "sk-csoak-b-" + Guid.NewGuid().ToString("N") };
        var upstreamToken = "up-csoak-" + Guid.NewGuid().ToString("N");
        var secrets = new[] { inboundKeys[0], inboundKeys[1], upstreamToken };
        var bound = 2 * o.AskTimeout + LoadAllowance;
        var logDir = Path.GetDirectoryName(o.LogPath) ?? Path.GetTempPath();
        var logStem = Path.GetFileNameWithoutExtension(o.LogPath) ?? $"mix2api-cluster-soak-{Environment.ProcessId}-{o.Seed}";

        await using var redis = await SoakRedis.StartAsync();
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RecordLimit = 0 });
        int[] clusterPorts = [FreePort(), FreePort()];
        var seeds = string.Join(',', clusterPorts.Select(p => $"akka.tcp://mix2api@127.0.0.1:{p}"));
        var logs = new List<string>();
        var brokers = new SoakBroker?[2];
        Task<SoakBroker> StartNode(int node)
        {
            var log = Path.Combine(logDir, $"{logStem}-node{node}-{logs.Count(l => l.Contains($"-node{node}-", StringComparison.Ordinal)) + 1}.log");
            logs.Add(log);
            return SoakBroker.StartAsync(o.BrokerDll, new Dictionary<string, string>(SoakBroker.BaseEnvironment(simulator.BaseUrl, upstreamToken, inboundKeys))
            {
                ["NODE_ID"] = $"node-{node}",
                ["NODE_CHANNEL"] = node == 0 ? "stable" : "canary",
                ["CLUSTER_HOSTNAME"] = "127.0.0.1",
                ["CLUSTER_PORT"] = clusterPorts[node].ToString(CultureInfo.InvariantCulture),
                ["CLUSTER_SEED_NODES"] = seeds,
                ["SESSION_STORE_MODE"] = "redis",
                ["REDIS_URL"] = redis.Url,
                ["REDIS_KEY_PREFIX"] = "csoak",
                ["REDIS_SESSION_PREFIX"] = "csoak:session",
                ["SESSION_ASK_TIMEOUT_MS"] = Ms(o.AskTimeout),
                ["SHUTDOWN_DRAIN_MS"] = Ms(o.Drain),
            }, log);
        }

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        }) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        Task loadTask = Task.CompletedTask;

        try
        {
            var starting = new[] { StartNode(0), StartNode(1) };
            await Task.WhenAll(starting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            brokers[0] = await starting[0];
            brokers[1] = await starting[1];
            // Every request names its node; the client's own URL is never used.
            var client = new SoakClient(http, brokers[0]!.BaseUrl, inboundKeys, wrongKey: "", o.RequestTimeout);
            var load = new ClusterLoad(client, o.Seed, nodes: 2);
            report.Say($"soak --cluster: C={o.Concurrency} conversations of 2-5 turns on both nodes, seed {o.Seed}, {o.PhaseTime.TotalSeconds:0} s per step, "
                + $"SESSION_ASK_TIMEOUT_MS {Ms(o.AskTimeout)}, SHUTDOWN_DRAIN_MS {Ms(o.Drain)}, turn bound {bound.TotalSeconds:0.#} s (2 session asks + {LoadAllowance.TotalSeconds:0} s load allowance)");
            report.Say($"soak --cluster: redis-server on {redis.Port}, node 0 (stable) pid {brokers[0]!.Pid}, node 1 (canary) pid {brokers[1]!.Pid}, logs {Path.Combine(logDir, logStem)}-node*.log");
            var formed = await WaitAsync(async () => await ClusterOfAsync(http, brokers[0]!, 2) && await ClusterOfAsync(http, brokers[1]!, 2), TimeSpan.FromSeconds(60));
            if (!formed.Ok) throw new InvalidOperationException("the two nodes did not form one cluster of two within 60 s");

            load.Open(0, brokers[0]!.BaseUrl);
            load.Open(1, brokers[1]!.BaseUrl);
            loadTask = load.RunAsync(o.Concurrency, stop.Token);
            var baselineAt = Stopwatch.GetTimestamp();
            await Task.Delay(o.PhaseTime);

            // (a) SIGKILL of node 0 (the oldest: it also hosts the shard coordinator), then its restart.
            load.Close(0);
            var killAt = Stopwatch.GetTimestamp();
            brokers[0]!.Kill();
            await brokers[0]!.WaitForExitAsync(TimeSpan.FromSeconds(10));
            var removed = await WaitAsync(async () => await ClusterOfAsync(http, brokers[1]!, 1), TimeSpan.FromSeconds(90));
            await Task.Delay(o.PhaseTime);
            await brokers[0]!.DisposeAsync();
            brokers[0] = await StartNode(0);
            var restartAt = Stopwatch.GetTimestamp();
            var rejoined = await WaitAsync(async () => await ClusterOfAsync(http, brokers[0]!, 2) && await ClusterOfAsync(http, brokers[1]!, 2), TimeSpan.FromSeconds(60));
            load.Open(0, brokers[0]!.BaseUrl);
            var reopenAt = Stopwatch.GetTimestamp();
            await Task.Delay(o.PhaseTime);

            // (c) Redis killed, then started again; then paused and resumed.
            var redisKillAt = Stopwatch.GetTimestamp();
            await redis.KillAsync();
            await Task.Delay(o.PhaseTime);
            await redis.RestartAsync();
            var storeBack = await WaitAsync(async () => await StoreOkAsync(http, brokers[0]!) && await StoreOkAsync(http, brokers[1]!), TimeSpan.FromSeconds(60));
            var storeBackAt = Stopwatch.GetTimestamp();
            await Task.Delay(o.PhaseTime);
            var pauseAt = Stopwatch.GetTimestamp();
            redis.Pause();
            await Task.Delay(o.PhaseTime);
            redis.Resume();
            var pauseBack = await WaitAsync(async () => await StoreOkAsync(http, brokers[0]!) && await StoreOkAsync(http, brokers[1]!), TimeSpan.FromSeconds(60));
            var pauseBackAt = Stopwatch.GetTimestamp();
            await Task.Delay(o.PhaseTime);

            // (b) SIGTERM of node 1 (now the oldest) with paced streams open on it: some longer than the drain, some shorter.
            var longChunks = (int)((o.Drain + TimeSpan.FromSeconds(6)) / PacedDelay);
            var shortChunks = Math.Max(1, (int)(o.Drain / 3 / PacedDelay));
            var opened = new List<Task>();
            var paced = new List<(bool Long, Task<SoakOutcome> Outcome)>();
            var pacedUrl = new Uri(brokers[1]!.BaseUrl, "v1/chat/completions");
            for (var i = 0; i < 8; i++)
            {
                var isLong = i % 2 == 0;
                var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                opened.Add(answered.Task);
                var plan = new SoakPlan(1_000_000 + i, $"csoak-{o.Seed}-paced-{i}", SoakShape.StreamLong, Stream: true, AbortAfter: null)
                {
                    Pace = (isLong ? longChunks : shortChunks, (int)PacedDelay.TotalMilliseconds),
                };
                paced.Add((isLong, client.RunAsync(plan, pacedUrl, answered.SetResult)));
            }
            await Task.WhenAll(opened).WaitAsync(TimeSpan.FromSeconds(30));
            load.Close(1);
            var termAt = Stopwatch.GetTimestamp();
            brokers[1]!.Signal(PosixSignals.Term);
            var exitLimit = o.Drain + TimeSpan.FromSeconds(30);
            var exitCode = await brokers[1]!.WaitForExitAsync(exitLimit);
            var exitAfter = Stopwatch.GetElapsedTime(termAt);
            var handedOver = await WaitAsync(async () => await ClusterOfAsync(http, brokers[0]!, 1), TimeSpan.FromSeconds(30));
            var pacedOutcomes = await Task.WhenAll(paced.Select(p => p.Outcome));
            await Task.Delay(o.PhaseTime);
            await stop.CancelAsync();
            await loadTask;
            var loadEnd = Stopwatch.GetTimestamp();

            // Judging.
            var turns = load.Turns.ToList();
            var openUpstream = await UntilZeroAsync(() => simulator.Simulator.ActiveExchanges, TimeSpan.FromSeconds(20));
            var surfaces = await http.GetStringAsync(new Uri(brokers[0]!.BaseUrl, "metrics")) + await http.GetStringAsync(new Uri(brokers[0]!.BaseUrl, "health"));
            // The survivor's JSON log is flushed every 200 ms: wait (bounded) until the requests since its restart are in it.
            var recent = turns.Where(t => t.Outcome.Started >= reopenAt).Select(t => t.Outcome).Concat(pacedOutcomes).ToList();
            var (completed, logText) = ReadLogs(logs);
            for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(20) && recent.Any(x => !completed.ContainsKey(x.Plan.RequestId));)
            {
                await Task.Delay(200);
                (completed, logText) = ReadLogs(logs);
            }

            bool Lost(ClusterTurn t) => t.Node == 0 && t.Outcome.Verdict == SoakVerdict.Broken && t.Outcome.Terminal == "cut"
                && t.Outcome.Started < reopenAt && t.Outcome.Ended >= killAt;
            bool Refused(ClusterTurn t) => t.Node == 1 && t.Outcome.Verdict == SoakVerdict.Broken && t.Outcome.Terminal == "cut"
                && !t.Outcome.Answered && t.Outcome.Ended >= termAt;
            List<ClusterTurn> Between(long from, long to, int? node = null) =>
                turns.Where(t => t.Outcome.Started >= from && t.Outcome.Started < to && (node is null || t.Node == node)).ToList();
            string Figures(List<ClusterTurn> list)
            {
                var ms = list.Select(t => t.Outcome.DurationMs).Order().ToArray();
                return $"{list.Count} requests ({SoakRunner.Counts(list.Select(t => t.Outcome.Terminal))}), "
                    + $"p50 {SoakRunner.Percentile(ms, 0.5):0} ms, p99 {SoakRunner.Percentile(ms, 0.99):0} ms, worst {(ms.Length == 0 ? 0 : ms[^1]):0} ms, "
                    + $"upstream session kept by {list.Count(t => t.KeptSession == true)} of {list.Count(t => t.KeptSession is not null)} later turns";
            }
            bool Within(ClusterTurn t) => t.Outcome.DurationMs <= bound.TotalMilliseconds;

            report.Say($"soak --cluster: {turns.Count + pacedOutcomes.Length} requests in {Stopwatch.GetElapsedTime(baselineAt, loadEnd).TotalSeconds:0} s; "
                + $"client verdicts: {SoakRunner.Counts(turns.Select(t => t.Outcome.Terminal))}");
            report.Say($"soak --cluster: end_reason: {SoakRunner.Counts(turns.SelectMany(t => completed.TryGetValue(t.Outcome.Plan.RequestId, out var r) ? r : []))}");
            var baseline = Between(baselineAt, killAt).Where(t => t.Outcome.Ended < killAt).ToList();
            report.Say($"soak --cluster: before any fault: {Figures(baseline)}");
            report.Check(baseline.Count(t => t.KeptSession is not null) > 0 && Kept(baseline) >= MinKept,
                "sessions matter: with no fault, later turns keep their conversation's upstream session while hopping between the nodes",
                $"{baseline.Count(t => t.KeptSession == true)} of {baseline.Count(t => t.KeptSession is not null)} later turns kept it (at least {MinKept:P0} required)");

            var survivorA = Between(killAt, reopenAt, node: 1);
            var lost = turns.Where(Lost).ToList();
            var inFlight = turns.Count(t => t.Node == 0 && t.Outcome.Started < killAt && t.Outcome.Ended >= killAt);
            report.Say($"soak --cluster: (a) node 0 SIGKILLed: on the survivor until node 0 was back: {Figures(survivorA)}; "
                + $"{inFlight} requests in flight on the killed node, {lost.Count} lost with it (connection reset)");
            report.Check(survivorA.Count > 0 && survivorA.All(t => t.Outcome.Verdict == SoakVerdict.Terminated && Within(t)),
                "(a) SIGKILL of a node: every request sent to the survivor answered within the bound",
                $"{survivorA.Count(t => t.Outcome.Verdict == SoakVerdict.Terminated && Within(t))} of {survivorA.Count} ended with a terminal signal within {bound.TotalSeconds:0.#} s"
                + SoakRunner.Examples(survivorA.Where(t => t.Outcome.Verdict != SoakVerdict.Terminated || !Within(t)).ToList(), Describe));
            report.Check(removed.Ok && rejoined.Ok, "(a) killed node downed and removed, restarted and rejoined",
                $"removed from the survivor's members {Seconds(removed)} after the kill; the restarted node in a cluster of two {Seconds(rejoined)} after its start "
                + $"({Stopwatch.GetElapsedTime(killAt, restartAt).TotalSeconds:0} s after the kill)");

            void RedisPhase(List<ClusterTurn> during, bool storeOk, string how, string fault, string recovery)
            {
                report.Say($"soak --cluster: (c) redis-server {how}: {Figures(during)}");
                report.Check(storeOk && during.Count > 0 && during.All(t => t.Outcome.Terminal == "finish" && Within(t)),
                    $"(c) Redis {fault} under load: no request failed or waited past the bound",
                    $"{during.Count(t => t.Outcome.Terminal == "finish" && Within(t))} of {during.Count} finished within {bound.TotalSeconds:0.#} s, worst {Worst(during):0} ms; "
                    + recovery + SoakRunner.Examples(during.Where(t => t.Outcome.Terminal != "finish" || !Within(t)).ToList(), Describe));
            }
            RedisPhase(Between(redisKillAt, storeBackAt), storeBack.Ok, $"SIGKILLed, restarted after {o.PhaseTime.TotalSeconds:0} s", "killed",
                $"both nodes' store connected again {Seconds(storeBack)} after the restart");
            RedisPhase(Between(pauseAt, pauseBackAt), pauseBack.Ok, $"paused (SIGSTOP) for {o.PhaseTime.TotalSeconds:0} s", "paused",
                $"both nodes' store healthy {Seconds(pauseBack)} after SIGCONT");

            var sinceTerm = (SoakOutcome x) => Stopwatch.GetElapsedTime(termAt, x.Ended);
            var shutdownEvents = turns.Select(t => t.Outcome).Concat(pacedOutcomes).Where(x => x.ErrorCode == "shutdown").ToList();
            var earliest = shutdownEvents.Count == 0 ? TimeSpan.Zero : shutdownEvents.Min(sinceTerm);
            var longOnes = paced.Zip(pacedOutcomes).Where(p => p.First.Long).Select(p => p.Second).ToList();
            var shortOnes = paced.Zip(pacedOutcomes).Where(p => !p.First.Long).Select(p => p.Second).ToList();
            report.Say($"soak --cluster: (b) node 1 SIGTERMed with {longOnes.Count} streams of {longChunks * PacedDelay.TotalSeconds:0} s and {shortOnes.Count} of "
                + $"{shortChunks * PacedDelay.TotalSeconds:0.#} s open on it: shutdown events {(shutdownEvents.Count == 0 ? "none" : $"{earliest.TotalMilliseconds:0}-{shutdownEvents.Max(sinceTerm).TotalMilliseconds:0} ms")} after SIGTERM; "
                + $"short streams ended {(shortOnes.Count == 0 ? 0 : shortOnes.Max(sinceTerm).TotalMilliseconds):0} ms after it at the latest; exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"} after {exitAfter.TotalMilliseconds:0} ms");
            report.Check(longOnes.All(x => x.Terminal == "error-event" && x.ErrorCode == "shutdown") && shortOnes.All(x => x.Terminal == "finish")
                  && shutdownEvents.Count > 0 && earliest >= o.Drain,
                "(b) SIGTERM: open streams end with the shutdown event only after SHUTDOWN_DRAIN_MS, shorter ones finish",
                $"{longOnes.Count(x => x.ErrorCode == "shutdown")} of {longOnes.Count} long streams ended with the shutdown event, the earliest of {shutdownEvents.Count} such events "
                + $"{earliest.TotalMilliseconds:0} ms after SIGTERM (drain {o.Drain.TotalMilliseconds:0} ms); {shortOnes.Count(x => x.Terminal == "finish")} of {shortOnes.Count} short streams finished normally"
                + SoakRunner.Examples(pacedOutcomes.Where(x => x.Verdict != SoakVerdict.Terminated).ToList(), x => $"{x.Plan.RequestId}: {x.Terminal}: {x.Problem}"));
            report.Check(exitCode == 0, "(b) SIGTERM: the leaving node exits 0 within the bound",
                $"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"} {exitAfter.TotalSeconds:0.0} s after SIGTERM (bound: drain + 30 s = {exitLimit.TotalSeconds:0} s)");
            var survivorB = Between(termAt, loadEnd, node: 0);
            report.Say($"soak --cluster: (b) on the survivor from SIGTERM to the end: {Figures(survivorB)}");
            report.Check(handedOver.Ok && survivorB.Count > 0 && survivorB.All(t => t.Outcome.Terminal == "finish" && Within(t)) && Kept(survivorB) >= MinKept,
                "(b) SIGTERM: shards handed over, the survivor serves every conversation on its session",
                $"the survivor {(handedOver.Ok ? "" : "NOT ")}alone in the cluster {(exitAfter + handedOver.Elapsed).TotalSeconds:0.0} s after SIGTERM; "
                + $"{survivorB.Count(t => t.Outcome.Terminal == "finish" && Within(t))} of {survivorB.Count} requests on it finished within {bound.TotalSeconds:0.#} s, "
                + $"{survivorB.Count(t => t.KeptSession == true)} of {survivorB.Count(t => t.KeptSession is not null)} later turns on their conversation's upstream session"
                + SoakRunner.Examples(survivorB.Where(t => t.Outcome.Terminal != "finish" || !Within(t)).ToList(), Describe));

            var refused = turns.Where(Refused).ToList();
            var broken = turns.Where(t => t.Outcome.Verdict == SoakVerdict.Broken && !Lost(t) && !Refused(t)).ToList();
            report.Check(broken.Count == 0, "every request ended with a terminal signal (lost with the killed node excepted)",
                $"{turns.Count(t => t.Outcome.Verdict == SoakVerdict.Terminated)} of {turns.Count} ended with one; {lost.Count} lost with the killed node, "
                + $"{refused.Count} refused by the leaving node before an answer" + SoakRunner.Examples(broken, Describe));
            // The JSON log is flushed every 200 ms: a SIGKILL takes the killed node's last lines with it.
            var tailWindow = (long)(TimeSpan.FromSeconds(1).TotalSeconds * Stopwatch.Frequency);
            bool TailLost(ClusterTurn t) => t.Node == 0 && t.Outcome.Started < killAt && t.Outcome.Ended >= killAt - tailWindow
                && !completed.ContainsKey(t.Outcome.Plan.RequestId);
            var tailLost = turns.Count(TailLost);
            var judged = turns.Where(t => !Lost(t) && !Refused(t) && !TailLost(t)).Select(t => t.Outcome).Concat(pacedOutcomes).ToList();
            var notOnce = judged.Where(x => !completed.TryGetValue(x.Plan.RequestId, out var r) || r.Count != 1).ToList();
            var wrong = judged.Where(x => completed.TryGetValue(x.Plan.RequestId, out var r) && r.Count == 1 && !SoakRunner.Attributed(x, r[0])).ToList();
            report.Check(notOnce.Count == 0 && wrong.Count == 0, "one request.completed per request, end_reason matching what the client saw",
                $"{judged.Count - notOnce.Count} of {judged.Count} logged exactly once across the nodes' logs, {wrong.Count} with a wrong end_reason; "
                + $"not judged: {lost.Count} lost with the killed node, {tailLost} answered by it around the kill whose log line went with it"
                + SoakRunner.Examples(notOnce, x => $"{x.Plan.RequestId}: {(completed.TryGetValue(x.Plan.RequestId, out var r) ? r.Count : 0)} events")
                + SoakRunner.Examples(wrong, x => $"{x.Plan.RequestId}: client saw {x.Terminal}, end_reason {completed[x.Plan.RequestId][0]}"));
            report.Check(openUpstream == 0, "no upstream response left open", $"{openUpstream} simulator exchanges still running 20 s after the load");
            var leaked = secrets.Where(s => logText.Contains(s, StringComparison.Ordinal) || surfaces.Contains(s, StringComparison.Ordinal)).ToList();
            report.Check(leaked.Count == 0, "no secret in the logs, /metrics or /health",
                $"{secrets.Length} run secrets searched in {logText.Length / 1024} KiB of logs ({logs.Count} node runs); {leaked.Count} found");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            report.Check(false, "cluster soak ran", e.Message);
        }
        finally
        {
            await stop.CancelAsync();
            await loadTask.WaitAsync(TimeSpan.FromSeconds(120)).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var broker in brokers)
                if (broker is not null) await broker.DisposeAsync();
        }
        report.Check(clock.Elapsed < o.TimeLimit, "bounded in time", $"{clock.Elapsed.TotalSeconds:0} s of {o.TimeLimit.TotalSeconds:0} s");
        return report.Finish();
    }

    private static string Describe(ClusterTurn t) =>
        $"{t.Outcome.Plan.RequestId} (node {t.Node}, {t.Outcome.Plan.Shape}, HTTP {t.Outcome.Status}): {t.Outcome.Terminal} after {t.Outcome.DurationMs:0} ms{(t.Outcome.Problem is { } p ? ": " + p : "")}";

    /// <summary>Share of the later turns that kept their conversation's upstream session (1 when there are none).</summary>
    private static double Kept(List<ClusterTurn> turns)
    {
        var later = turns.Count(t => t.KeptSession is not null);
        return later == 0 ? 1 : (double)turns.Count(t => t.KeptSession == true) / later;
    }

    private static double Worst(List<ClusterTurn> turns) => turns.Count == 0 ? 0 : turns.Max(t => t.Outcome.DurationMs);

    private static string Seconds((bool Ok, TimeSpan Elapsed) wait) => wait.Ok ? $"{wait.Elapsed.TotalSeconds:0.0} s" : $"NOT within {wait.Elapsed.TotalSeconds:0} s";

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The request ids' end_reasons in all the nodes' logs (a restarted node writes a new log).</summary>
    private static (Dictionary<string, List<string>> Completed, string Text) ReadLogs(List<string> paths)
    {
        var all = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var texts = new System.Text.StringBuilder();
        foreach (var path in paths.Where(File.Exists))
        {
            var log = BrokerLog.Read(path);
            texts.Append(log.Text);
            foreach (var (id, reasons) in log.Completed)
            {
                if (!all.TryGetValue(id, out var list)) all[id] = list = [];
                list.AddRange(reasons);
            }
        }
        return (all, texts.ToString());
    }

    /// <summary>Polls <paramref name="condition"/> (every 200 ms) until it holds or <paramref name="timeout"/> passes.</summary>
    private static async Task<(bool Ok, TimeSpan Elapsed)> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition()) return (true, clock.Elapsed);
            await Task.Delay(200);
        }
        return (false, clock.Elapsed);
    }

    private static async Task<long> UntilZeroAsync(Func<long> value, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (value() != 0 && clock.Elapsed < timeout) await Task.Delay(100);
        return value();
    }

    private static async Task<JsonElement?> HealthAsync(HttpClient http, SoakBroker broker)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var text = await http.GetStringAsync(new Uri(broker.BaseUrl, "health"), timeout.Token);
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The node sees a cluster of exactly <paramref name="count"/> members, all up and reachable.</summary>
    private static async Task<bool> ClusterOfAsync(HttpClient http, SoakBroker broker, int count)
    {
        if (await HealthAsync(http, broker) is not { } health || !health.TryGetProperty("members", out var members)) return false;
        var list = members.EnumerateArray().ToList();
        return list.Count == count && list.All(m => m.GetProperty("status").GetString() == "up" && m.GetProperty("reachable").GetBoolean());
    }

    /// <summary>The node's session store is connected and not degraded.</summary>
    private static async Task<bool> StoreOkAsync(HttpClient http, SoakBroker broker) =>
        await HealthAsync(http, broker) is { } health && health.TryGetProperty("session_store", out var store)
        && store.GetProperty("connected").GetBoolean() && !store.GetProperty("degraded").GetBoolean();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
