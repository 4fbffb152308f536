using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;

namespace Mix2Api.Tests.Host.UpstreamHttp;

/// <summary>
/// A TCP upstream whose replies the test writes byte for byte, for what the simulator (a well-behaved Kestrel) never
/// sends: bytes after a body, a malformed head, a connection closed between requests. Records which connection
/// each request came on.
/// </summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<RawRequest> _requests = Channel.CreateUnbounded<RawRequest>();
    private readonly TaskCompletionSource _closedWithoutRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly X509Certificate2? _certificate;
    private int _connections;

    /// <param name="certificate">Serve https with this certificate, under the name <paramref name="host"/>.</param>
    public RawUpstream(X509Certificate2? certificate = null, string host = "127.0.0.1")
    {
        _certificate = certificate;
        _listener.Start();
        ChatUrl = new Uri($"{(certificate is null ? "http" : "https")}://{host}:{((IPEndPoint)_listener.LocalEndpoint).Port}/v2/chats");
        _ = AcceptAsync();
    }

    /// <summary>The server name the broker asked for in its TLS hello (https only).</summary>
    public string? ServerName { get; private set; }

    public Uri ChatUrl { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Completes when a connection is closed by the broker before it sent a single byte.</summary>
    public Task ClosedWithoutRequest => _closedWithoutRequest.Task;

    public async Task<RawRequest> NextAsync() => await _requests.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets) _sockets.Add(socket);
                _ = ServeAsync(socket, Interlocked.Increment(ref _connections));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (_certificate is not null)
        {
            var tls = new SslStream(stream);
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
            }
            catch (Exception)
            {
                return; // the broker refused the certificate
            }
            ServerName = tls.TargetHostName;
            stream = tls;
        }
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var served = 0;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            while (true)
            {
                int headEnd;
                while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (n == 0)
                    {
                        if (filled == 0 && served == 0) _closedWithoutRequest.TrySetResult();
                        closed.TrySetResult();
                        return;
                    }
                    filled += n;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, headEnd + 4);
                var lengthLine = head.Split("\r\n").First(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
                var total = headEnd + 4 + int.Parse(lengthLine["content-length:".Length..].Trim());
                while (filled < total) filled += await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                await _requests.Writer.WriteAsync(new RawRequest(connection, Encoding.UTF8.GetString(buffer, 0, total), stream, socket, closed.Task));
                buffer.AsSpan(total, filled - total).CopyTo(buffer);
                filled -= total;
                served++;
            }
        }
        catch (Exception)
        {
            closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
            foreach (var socket in _sockets) socket.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>One request as the upstream received it, and its connection to answer on.</summary>
public sealed record RawRequest(int Connection, string Text, Stream Stream, Socket Socket, Task ConnectionClosed)
{
    public async Task ReplyAsync(string bytes)
    {
        await Stream.WriteAsync(Encoding.UTF8.GetBytes(bytes));
        await Stream.FlushAsync();
    }

    /// <summary>Closes the connection from the upstream's side.</summary>
    public void Close() => Socket.Shutdown(SocketShutdown.Both);
}
