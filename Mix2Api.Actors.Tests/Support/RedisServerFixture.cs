using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp dir and no persistence. Stop() and
/// Start() (same port) simulate an outage; dispose kills it. Fails with a clear message when redis-server is
/// missing: run the README test command, which installs it (<c>apt-get install -y redis-server</c>).
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mix2api-redis-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; private set; }
    public string ConnectionString => $"redis://127.0.0.1:{Port}";
    public bool IsRunning => _process is { HasExited: false };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Port = FreePort.Next();
        await StartAsync();
    }

    public async Task StartAsync()
    {
        if (IsRunning) return;
        var executable = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed. The Redis tests need a real redis-server: run the test command from README.md " +
            "(it runs `apt-get update && apt-get install -y redis-server`), or install it yourself.");
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", _dir })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForPingAsync();
    }

    /// <summary>Kill the server (an outage, not a graceful shutdown).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Run a raw command through redis-cli-free RESP over a socket (for seeding and inspecting keys).</summary>
    public async Task<string?> CommandAsync(params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new System.Text.StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(arg);
            request.Append('$').Append(bytes).Append("\r\n").Append(arg).Append("\r\n");
        }
        var payload = System.Text.Encoding.UTF8.GetBytes(request.ToString());
        await stream.WriteAsync(payload);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var line = await reader.ReadLineAsync() ?? throw new IOException("no reply");
        switch (line[0])
        {
            case '+': return line[1..];
            case ':': return line[1..];
            case '-': throw new InvalidOperationException(line[1..]);
            case '$':
                var length = int.Parse(line[1..], System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0) return null;
                var buffer = new char[length];
                var read = 0;
                while (read < length) read += await reader.ReadAsync(buffer.AsMemory(read, length - read));
                return new string(buffer);
            default: return line;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task WaitForPingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                if (await CommandAsync("PING") == "PONG") return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"redis-server on port {Port} did not answer PING within 10 s");
            await Task.Delay(20);
        }
    }

    private static string? FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
