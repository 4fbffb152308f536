using System.Net;
using System.Net.Sockets;
using Mix2Api.Host.Ctl;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Support;

/// <summary>A broker with its admin endpoint on a free loopback port, and `ctl` run in-process against it.</summary>
public static class AdminBroker
{
    /// <summary>A port nobody listens on right now (bind 0, read it, release it): never the fixed 9110.</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    public static async Task<(BrokerHost Broker, string AdminUrl)> StartAsync(IDictionary<string, string?>? overrides = null,
        SimulatorServer? simulator = null)
    {
        var port = FreePort();
        var config = new Dictionary<string, string?> { ["ADMIN_PORT"] = port.ToString(), ["ADMIN_HOST"] = "127.0.0.1" };
        if (overrides is not null)
            foreach (var (k, v) in overrides) config[k] = v;
        var broker = await BrokerHost.StartAsync(config, simulator);
        return (broker, $"http://127.0.0.1:{port}");
    }

    public sealed record CtlResult(int Exit, string Out, string Err)
    {
        public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Out).RootElement;
    }

    /// <summary>Runs `ctl` in-process with captured output, as `dotnet Mix2Api.Host.dll ctl …` would.</summary>
    public static async Task<CtlResult> CtlAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CtlApp.RunAsync(args, output, error);
        return new CtlResult(exit, output.ToString(), error.ToString());
    }
}
