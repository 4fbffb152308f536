using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Mix2Api.Host.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ADMIN_PORT"] = "0";
        start.Environment["CLUSTER_PORT"] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);

        var errors = await stderr;
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("mix2api: start-up error: ", errors);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), errors);
        Assert.DoesNotContain("Unhandled exception", errors + await stdout);
    }
}
