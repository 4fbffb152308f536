using System.Net;
using System.Net.Sockets;
using Mix2Api.Tests.Cluster;

namespace Mix2Api.Tests.Host;

/// <summary>A port another process holds is a named start-up error (exit 2), never a crash with a stack trace.</summary>
public class StartupPortInUseTests
{
    [Fact]
    public async Task A_taken_port_stops_start_up_with_one_clear_line_and_exit_code_2()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (exitCode, stdout, errors) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ADMIN_PORT"] = "0",
            ["CLUSTER_PORT"] = "0",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("mix2api: start-up error: ", errors);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), errors);
        Assert.DoesNotContain("Unhandled exception", errors + stdout);
    }
}
