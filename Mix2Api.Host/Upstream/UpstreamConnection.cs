using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// One HTTP/1.1 connection to the upstream: a socket, with TLS over it for https. It owns no buffer: a response's
/// head is read into a pooled one and its body straight into the reader's, so a connection that waits on a quiet
/// stream, or idles in the pool, holds only its socket.
/// </summary>
public sealed class UpstreamConnection : IDisposable
{
    private readonly Socket _socket;
    private int _disposed;

    private UpstreamConnection(UpstreamEndpoint endpoint, Socket socket, Stream stream)
    {
        Endpoint = endpoint;
        _socket = socket;
        Stream = stream;
        OpenedAt = Environment.TickCount64;
    }

    public UpstreamEndpoint Endpoint { get; }

    public Stream Stream { get; }

    public long OpenedAt { get; }

    /// <summary>When it went back to the pool (ms, <see cref="Environment.TickCount64"/>).</summary>
    public long IdleSince { get; set; }

    /// <summary>It came from the pool: a failure before any response byte may be the upstream having closed it meanwhile.</summary>
    public bool Reused { get; set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Connects (and for https completes TLS) within <paramref name="timeout"/>. Fails with
    /// <see cref="UpstreamConnectException"/>: timed out, or what failed by its <see cref="HttpRequestError"/> name.
    /// </summary>
    /// <param name="validateCertificate">Null: the system's certificate validation (tests trust their own certificate).</param>
    public static async Task<UpstreamConnection> OpenAsync(UpstreamEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken,
        RemoteCertificateValidationCallback? validateCertificate = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // Without a checked address the name is resolved here and every address tried in turn (dual-mode socket).
        var socket = endpoint.Pinned is { } address
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        Stream? stream = null;
        var step = HttpRequestError.ConnectionError;
        try
        {
            if (endpoint.Pinned is { } pinned) await socket.ConnectAsync(new IPEndPoint(pinned, endpoint.Port), deadline.Token);
            else await socket.ConnectAsync(new DnsEndPoint(endpoint.Host, endpoint.Port), deadline.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (endpoint.Tls)
            {
                step = HttpRequestError.SecureConnectionError;
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = endpoint.Host,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = validateCertificate,
                }, deadline.Token);
            }
            return new UpstreamConnection(endpoint, socket, stream);
        }
        catch (Exception ex)
        {
            if (stream is not null) await stream.DisposeAsync();
            socket.Dispose();
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
            if (ex is OperationCanceledException) throw new UpstreamConnectException(timedOut: true, null, ex);
            var error = ex is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }
                ? HttpRequestError.NameResolutionError
                : ex is AuthenticationException ? HttpRequestError.SecureConnectionError : step;
            throw new UpstreamConnectException(timedOut: false, error.ToString(), ex);
        }
    }

    /// <summary>
    /// True when nothing has arrived on an idle connection: an upstream that closed it (or sent bytes nobody asked
    /// for) makes it readable, and it must not carry another request.
    /// </summary>
    public bool IsIdleAndOpen()
    {
        if (IsDisposed) return false;
        try
        {
            return !_socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Closing the socket ends any read or write in flight on it at once.
        Stream.Dispose();
        _socket.Dispose();
    }
}
