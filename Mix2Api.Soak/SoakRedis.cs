using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mix2Api.Soak;

/// <summary>
/// The cluster soak's redis-server (the Debian binary) on a free loopback port, no persistence: killed (SIGKILL) and
/// started again on the same port, or paused (SIGSTOP) and resumed (SIGCONT) while the brokers use it.
/// </summary>
public sealed class SoakRedis : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mix2api-soak-redis-{Guid.NewGuid():N}");
    private Process? _process;

    private SoakRedis(int port) => Port = port;

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<SoakRedis> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var redis = new SoakRedis(port);
        Directory.CreateDirectory(redis._dir);
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on its port and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server)");
        var start = new ProcessStartInfo(executable) { WorkingDirectory = _dir, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (!await PingAsync())
        {
            if (_process.HasExited || Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL: the server and everything it held are gone at once.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: connections stay open and nothing answers (what a missing timeout turns into a hang).</summary>
    public void Pause() => PosixSignals.Send(_process!.Id, PosixSignals.Stop);

    public void Resume() => PosixSignals.Send(_process!.Id, PosixSignals.Cont);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) PosixSignals.Send(_process.Id, PosixSignals.Cont);
        await KillAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
