using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Bench;

/// <summary>
/// The broker under test: <c>dotnet Mix2Api.Host.dll</c> as a child process, pinned to one core with
/// <c>taskset</c> when it exists, configured through the Node adapter's environment variable names.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private const int KeptLogLines = 20;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _lastLog = new();
    private readonly StreamWriter _logFile;
    private bool _logClosed;
    private int _logLines;

    private BrokerProcess(Process process, Uri baseUrl, bool pinned)
    {
        _process = process;
        LogPath = Path.Combine(Path.GetTempPath(), $"mix2api-bench-broker-{process.Id}.log");
        _logFile = new StreamWriter(LogPath) { AutoFlush = true };
        BaseUrl = baseUrl;
        Pinned = pinned;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public Uri BaseUrl { get; }

    public Uri ChatUrl => new(BaseUrl, "v1/chat/completions");

    /// <summary>Whether the broker runs under <c>taskset -c</c>.</summary>
    public bool Pinned { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the broker wrote, one file per run (the console shows only the first lines, clipped).</summary>
    public string LogPath { get; }

    /// <summary>Lines the broker wrote to stdout/stderr (at LOG_LEVEL=warning: warnings and errors only).</summary>
    public int LogLines => _logLines;

    /// <summary>The first lines it wrote (enough to see what went wrong).</summary>
    public IReadOnlyList<string> FirstLogLines => [.. _log];

    /// <summary>The last lines it wrote after the first ones (a crash reports at the end).</summary>
    public IReadOnlyList<string> LastLogLines => [.. _lastLog];

    /// <summary>Exit code and the log, for a broker that died during the run.</summary>
    public string DescribeExit() => $"the broker process exited with code {_process.ExitCode} ({_logLines} log lines); first:\n"
        + string.Join('\n', FirstLogLines) + (_lastLog.IsEmpty ? "" : "\nlast:\n" + string.Join('\n', LastLogLines));

    /// <param name="fdLimit">When set, the broker's open-files limit is lowered to this (prlimit), to see how it behaves when descriptors run out.</param>
    public static async Task<BrokerProcess> StartAsync(string brokerDll, Uri upstreamBase, string? core,
        IReadOnlyDictionary<string, string> extraEnvironment, int? fdLimit, TimeSpan readyTimeout)
    {
        var port = FreePort();
        var pinned = core is not null && TasksetExists();
        // Each wrapper execs the next, so the process id stays the broker's.
        var command = new List<string>();
        if (fdLimit is { } limit) command.AddRange(["prlimit", $"--nofile={limit}:{limit}", "--"]);
        if (pinned) command.AddRange(["taskset", "-c", core!]);
        command.AddRange(["dotnet", brokerDll]);
        var info = new ProcessStartInfo
        {
            FileName = command[0],
            WorkingDirectory = Path.GetDirectoryName(brokerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) info.ArgumentList.Add(arg);
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["ADMIN_PORT"] = "0";
        env["CLUSTER_PORT"] = "0";
        env["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["UPSTREAM_SIMULATOR"] = "off";
        env["UPSTREAM_API_BASE"] = upstreamBase.ToString();
        env["UPSTREAM_AUTH_MODE"] = "none";
        env["INBOUND_AUTH_MODE"] = "none";
        env["LOG_LEVEL"] = "warning";
        env["MAX_CONCURRENT_REQUESTS"] = "0";
        // s3 reads memory per stream as an RSS difference; an idle trim between its two readings would falsify it.
        env["MEMORY_TRIM_IDLE_MS"] = "0";
        foreach (var (name, value) in extraEnvironment) env[name] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the broker process");
        // The ./bench script kills a broker left behind by a bench process that died (a fatal error skips DisposeAsync).
        if (Environment.GetEnvironmentVariable("BENCH_BROKER_PIDFILE") is { Length: > 0 } pidFile)
            await File.WriteAllTextAsync(pidFile, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var broker = new BrokerProcess(process, new Uri($"http://127.0.0.1:{port}/"), pinned);
        await broker.WaitReadyAsync(readyTimeout);
        return broker;
    }

    public static bool TasksetExists() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, "taskset")));

    /// <summary>The broker's own count of open streams (<c>mix2api_active_streams</c> on /metrics), or -1.</summary>
    public async Task<long> ActiveStreamsAsync(HttpClient http)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(BaseUrl, "metrics"));
            const string name = "mix2api_active_streams ";
            var at = text.LastIndexOf(name, StringComparison.Ordinal);
            if (at < 0) return -1;
            var end = text.IndexOf('\n', at);
            return long.Parse(text.AsSpan(at + name.Length, (end < 0 ? text.Length : end) - at - name.Length), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception)
        {
            return -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        lock (_logFile)
        {
            _logClosed = true;
            _logFile.Dispose();
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(DescribeExit());
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health/live"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the broker did not answer /health/live within {timeout.TotalSeconds:0} s");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_logFile)
        {
            if (!_logClosed) _logFile.WriteLine(line);
        }
        if (Interlocked.Increment(ref _logLines) <= KeptLogLines)
        {
            _log.Enqueue(line);
            return;
        }
        _lastLog.Enqueue(line);
        while (_lastLog.Count > KeptLogLines && _lastLog.TryDequeue(out _)) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
