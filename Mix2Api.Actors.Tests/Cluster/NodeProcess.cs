using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>
/// A broker as its own OS process: <c>dotnet Mix2Api.Host.dll</c> from the test output folder (the test project
/// references the host), configured only by environment variables, as a deployment runs it. Dispose kills it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BrokerHost.InboundToken);
    }

    public Uri BaseUrl { get; }
    public HttpClient Client { get; }
    public bool HasExited => _process.HasExited;
    public int Pid => _process.Id;

    /// <summary>Everything the node wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Waits (at most 20 s) until the node has written <paramref name="text"/>: its log goes through a buffered stdout
    /// sink, so a line shows up soon after the event, not at it.
    /// </summary>
    public Task SaysAsync(string text)
        => Eventually.TrueAsync(() => Output.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            () => $"the node did not log '{text}':\n{Output}");

    /// <summary>
    /// Starts the node and waits (at most 60 s) until <c>/health/ready</c> answers 200. A node that exits because a
    /// free port it was given was taken meanwhile (<see cref="FreePort"/>) is started again, with new ports where the
    /// caller did not choose them.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(IDictionary<string, string> environment, int? openFilesLimit = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(environment, openFilesLimit);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private sealed class PortTakenException(string message) : Exception(message);

    /// <summary><c>dotnet Mix2Api.Host.dll</c> from the test output folder, output captured; under <c>ulimit -n</c> when given.</summary>
    private static ProcessStartInfo HostCommand(int? openFilesLimit = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Mix2Api.Host.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("the host is not built next to the tests", dll);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(openFilesLimit is null ? dotnet : "bash")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openFilesLimit is { } limit)
        {
            // The node runs under its own open-files limit, as a container with a low `ulimit -n` would.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"ulimit -n {limit} && exec \"$0\" \"$@\"");
            start.ArgumentList.Add(dotnet);
        }
        start.ArgumentList.Add(dll);
        return start;
    }

    private static async Task<NodeProcess> StartOnceAsync(IDictionary<string, string> environment, int? openFilesLimit)
    {
        var start = HostCommand(openFilesLimit);
        var port = FreePort.Next();
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["INBOUND_BEARER_TOKEN"] = BrokerHost.InboundToken;
        start.Environment["LOG_LEVEL"] = "warning";
        start.Environment["ADMIN_PORT"] = "0"; // never the fixed default 9110 in tests; admin tests pass a free port
        // Akka remoting on a free port unless the test chose one (a node that others join needs a known port).
        start.Environment["CLUSTER_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a node that is expected to stop by itself (a start-up error), with only <paramref name="environment"/> set
    /// for it, and returns its exit code and output once it exited (at most 90 s).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IDictionary<string, string> environment)
    {
        var start = HostCommand();
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An abrupt end (SIGKILL): no graceful stop, no lease release, no membership goodbye.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>The exit code, or null when the node still runs after <paramref name="max"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan max)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(max);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task WaitReadyAsync(TimeSpan max)
    {
        var deadline = DateTime.UtcNow + max;
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the output is read to its end
                var message = $"the node exited with code {_process.ExitCode} before it was ready:\n{Output}";
                if (Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) throw new PortTakenException(message);
                throw new InvalidOperationException(message);
            }
            try
            {
                using var response = await probe.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the node at {BaseUrl} was not ready within {max.TotalSeconds:F0} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }
}
