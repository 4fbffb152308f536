using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Soak;

/// <summary>The broker under soak: <c>dotnet Mix2Api.Host.dll</c> as a child process, its stdout and stderr in one log file.</summary>
public sealed class SoakBroker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _closed;

    private SoakBroker(Process process, Uri baseUrl, string logPath)
    {
        _process = process;
        BaseUrl = baseUrl;
        LogPath = logPath;
        _log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// What every soaked broker runs with: the simulator as its upstream with a static token, the run's inbound keys,
    /// the JSON log at Information (one request.completed per request) and no admission cap. Each soak adds its own.
    /// </summary>
    public static Dictionary<string, string> BaseEnvironment(Uri simulator, string upstreamToken, IEnumerable<string> inboundKeys) => new()
    {
        ["UPSTREAM_SIMULATOR"] = "off",
        ["UPSTREAM_API_BASE"] = simulator.ToString(),
        ["UPSTREAM_AUTH_MODE"] = "static",
        ["UPSTREAM_BEARER_TOKEN"] = upstreamToken,
        ["INBOUND_AUTH_MODE"] = "bearer",
        ["INBOUND_BEARER_TOKENS"] = string.Join(',', inboundKeys),
        ["LOG_LEVEL"] = "Information",
        ["MAX_CONCURRENT_REQUESTS"] = "0",
    };

    public int Pid => _process.Id;

    public Uri BaseUrl { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>A POSIX signal to the broker (<see cref="PosixSignals"/>): SIGTERM is a graceful stop.</summary>
    public void Signal(int signal) => PosixSignals.Send(_process.Id, signal);

    /// <summary>An abrupt end (SIGKILL): no drain, no cluster leave.</summary>
    public void Kill() => _process.Kill();

    /// <summary>The exit code, or null when the broker still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public static async Task<SoakBroker> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException("the broker (Mix2Api.Host.dll) is not built there", dll);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // Several brokers may run side by side (tests, CI): no fixed admin or cluster port.
        info.Environment["ADMIN_PORT"] = "0";
        info.Environment["CLUSTER_PORT"] = "0";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the broker process");
        var broker = new SoakBroker(process, new Uri($"http://127.0.0.1:{port}/"), logPath);
        await broker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        lock (_logLock)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the broker exited with code {_process.ExitCode} at start-up; its log: {LogPath}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health/live"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the broker did not answer /health/live within {timeout.TotalSeconds:0} s");
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (!_closed) _log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
