using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;
using Mix2Api.Soak;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// A node starts itself again with the runtime's environment-only defaults (no call-counting delay for the tiered JIT,
/// a 16 MiB gen-0 budget, a tiering worker that stays): in the same process, so whoever started it (systemd, a container runtime, this test) keeps
/// the same PID, output and signals; it serves, a diagnostics tool can still attach, and SIGTERM still stops it
/// gracefully. The published host does this by default; here MIX2API_RUNTIME_DEFAULTS=1 asks the build output to.
/// </summary>
public sealed class RuntimeDefaultsProcessTests
{
    [Fact]
    public async Task A_node_starts_again_in_its_own_process_with_the_defaults_serves_and_stops_on_SIGTERM()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["UPSTREAM_API_BASE"] = simulator.BaseUrl.ToString(),
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["LOG_LEVEL"] = "information",
            [RuntimeSettings.DefaultsSwitch] = "1",
            ["JIT_BACKGROUND_NICE"] = "19",
        });

        await node.SaysAsync("call counting delay 0 ms), ReadyToRun code on, gen-0 budget 0x1000000");
        await node.SaysAsync("started again with the host's defaults DOTNET_TC_CallCountingDelayMs=0,DOTNET_GCgen0size=0x1000000,DOTNET_TC_BackgroundWorkerTimeoutMs=ffffffff");
        // The node names itself <host>-<pid>: the process that serves is the one the test started.
        var health = await node.Client.GetStringAsync("health");
        Assert.Contains($"-{node.Pid}\"", health, StringComparison.Ordinal);

        using (var answer = await node.Client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"mix/qwen-3-235b-instruct","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("\"finish_reason\":\"stop\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Asked for (JIT_BACKGROUND_NICE), the tiered JIT's worker recompiles in the background at nice 19, and stays (no idle exit).
        await node.SaysAsync("jit.worker.priority: tiered compilation worker (thread ");
        var worker = int.Parse(Regex.Match(node.Output, @"tiered compilation worker \(thread (\d+)\) runs at nice 19").Groups[1].Value);
        Assert.Equal(BackgroundJitPriority.WorkerThreadName, File.ReadAllText($"/proc/{node.Pid}/task/{worker}/comm").TrimEnd('\n'));
        Assert.Equal(19, Host.BackgroundJitPriorityTests.NiceOf(node.Pid.ToString(), worker));
        // With the default JIT_BACKGROUND_SLICE_US it hands the core to a woken request thread within 100 µs (Linux 6.12+).
        if (ThreadScheduling.SliceOf(0) > 0)
        {
            Assert.Matches(@"runs at nice 19 with a 100 µs slice", node.Output);
            Assert.Equal(100_000, ThreadScheduling.SliceOf(worker));
        }

        // dotnet-trace, dotnet-dump and dotnet-counters reach a node through this socket; the first image's is gone.
        var sockets = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{node.Pid}-*-socket");
        var socket = Assert.Single(sockets);
        using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            Assert.True(client.Connected);
        }

        PosixSignals.Send(node.Pid, PosixSignals.Term);
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task An_invalid_switch_stops_the_start_with_one_clear_line_and_exit_code_2()
    {
        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            [RuntimeSettings.DefaultsSwitch] = "yes",
            ["ADMIN_PORT"] = "0",
        });

        Assert.Equal(2, exitCode);
        Assert.Equal("mix2api: start-up error: MIX2API_RUNTIME_DEFAULTS must be 0 or 1 (got 'yes')", stderr.Trim());
        Assert.Equal("", stdout.Trim());
    }
}
