using Mix2Api.Host.Ctl;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Support;

/// <summary>A broker with its admin endpoint on a free loopback port, and `ctl` run in-process against it.</summary>
public static class AdminBroker
{
    /// <summary>
    /// A broker whose free admin port was taken before it bound it (<see cref="FreePort"/>) is started again on another.
    /// </summary>
    public static async Task<(BrokerHost Broker, string AdminUrl)> StartAsync(IDictionary<string, string?>? overrides = null,
        SimulatorServer? simulator = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var config = new Dictionary<string, string?> { ["ADMIN_PORT"] = port.ToString(), ["ADMIN_HOST"] = "127.0.0.1" };
            if (overrides is not null)
                foreach (var (k, v) in overrides) config[k] = v;
            try
            {
                var broker = await BrokerHost.StartAsync(config, simulator);
                return (broker, $"http://127.0.0.1:{port}");
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5)
            {
            }
        }
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
