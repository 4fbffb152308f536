using Mix2Api.Actors.Credentials;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Sends chat requests upstream over pooled HTTP/1.1 connections of our own (<see cref="UpstreamConnection"/>): keep-alive,
/// no redirects, no decompression, a connect timeout; retries only before any byte came back, only for connection
/// failures and 502/503/504, with exponential backoff and jitter (SPEC §6). A pooled connection the upstream closed
/// meanwhile costs no retry: the request goes again on a new connection. Returns a 2xx response or throws a typed
/// failure (<see cref="UpstreamStatusException"/>, <see cref="UpstreamConnectException"/>); which exit that is,
/// Supervision decides. A rejected credential is <see cref="UpstreamStatusException.AuthRejected"/>: 401/403, or a
/// JSON reply of any status whose error text is an auth error (digest §6), so the endpoint recovers from both the same way.
/// </summary>
/// <remarks>
/// Not <c>SocketsHttpHandler</c>: it keeps a 4 KiB read and a 4 KiB write buffer per connection for the connection's
/// life, which for a broker holding thousands of slow streams was a quarter of the memory per open stream. Here a
/// connection owns no buffer; a response's head is read into a pooled one and its body straight into the graph's.
/// </remarks>
public sealed class UpstreamClient : IDisposable
{
    /// <summary>The largest JSON reply read whole (a non-stream answer, an error body).</summary>
    public const int MaxJsonReplyBytes = 16 * 1024 * 1024;

    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly Mix2ApiSettings _settings;
    private readonly TimeProvider _time;
    private readonly UpstreamConnectionPool _pool;
    private readonly PoolLimits _configured, _pinned;
    // One object, so a reader never pairs one URL with another's endpoint.
    private TargetEndpoint? _lastTarget;

    public UpstreamClient(Mix2ApiSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _configured = settings.KeepAlive
            ? new PoolLimits(Keep: true, Lifetime: TimeSpan.FromMinutes(10), IdleTimeout: TimeSpan.FromSeconds(90))
            : new PoolLimits(Keep: false, TimeSpan.Zero, TimeSpan.Zero);
        // Dynamic bases: checked addresses are kept briefly, as a fresh check may pin another one.
        _pinned = new PoolLimits(Keep: true, Lifetime: TimeSpan.FromMinutes(2), IdleTimeout: TimeSpan.FromSeconds(30));
        _pool = new UpstreamConnectionPool(endpoint => endpoint.Pinned is null ? _configured : _pinned);
    }

    /// <summary>For tests that serve https with a certificate of their own; null is the system's validation.</summary>
    internal System.Net.Security.RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>Idle pooled connections now.</summary>
    public int IdleConnections => _pool.IdleCount;

    /// <param name="route">A checked dynamic upstream base: connected to its pinned address, never resolved again.</param>
    public async Task<UpstreamResponse> SendAsync(Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, CancellationToken cancellationToken, UpstreamRoute? route = null)
    {
        var endpoint = route?.Endpoint ?? EndpointOf(url);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(endpoint, url, body, requestId, bearer, cancellationToken);
            }
            catch (Exception ex) when (attempt < _settings.RetryCount && !cancellationToken.IsCancellationRequested
                && ex is UpstreamConnectException { TimedOut: false } or UpstreamStatusException { Status: 502 or 503 or 504 })
            {
                var backoff = _settings.RetryBase * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
                await Task.Delay(backoff, _time, cancellationToken);
            }
        }
    }

    private UpstreamEndpoint EndpointOf(Uri url)
    {
        // The configured upstream's URL is one object for the process: its endpoint is worked out once.
        if (_lastTarget is { } last && ReferenceEquals(last.Url, url)) return last.Endpoint;
        var endpoint = UpstreamEndpoint.For(url);
        _lastTarget = new TargetEndpoint(url, endpoint);
        return endpoint;
    }

    private sealed record TargetEndpoint(Uri Url, UpstreamEndpoint Endpoint);

    private async Task<UpstreamResponse> SendOnceAsync(UpstreamEndpoint endpoint, Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, CancellationToken cancellationToken)
    {
        (string, string?)[] headers =
        [
            ("accept", "text/event-stream"),
            ("accept-language", _settings.AcceptLanguage),
            ("cache-control", "no-cache"),
            ("x-request-id", requestId),
            ("authorization", bearer is null ? null : "Bearer " + bearer),
            ("referer", _settings.Referer),
            ("connection", _settings.KeepAlive ? null : "close"),
        ];
        var response = await ExchangeAsync(endpoint, url.PathAndQuery, body, headers, cancellationToken);

        var status = response.Status;
        if (status is >= 200 and < 300)
        {
            if (!response.Head.IsJson) return response;
            // A JSON reply is read whole anyway; buffer it here so a 200 that says "token expired" (digest §6) is
            // recognised before anything reaches the client; the endpoint turns the same bytes into frames.
            try
            {
                response.Json = await response.ReadBodyAsync(MaxJsonReplyBytes, cancellationToken);
            }
            catch (IOException ex)
            {
                response.Dispose();
                throw new UpstreamReadException(ex);
            }
            if (!UpstreamAuthFailure.IsAuthFailure(status, JsonReplyAdapter.ErrorText(response.Json))) return response;
            response.Dispose();
            throw new UpstreamStatusException(status, null, authRejected: true);
        }

        var retryAfter = response.Head.RetryAfterDelay(_time.GetUtcNow());
        // Read a little of the error body so the connection can be reused; its content is never echoed raw.
        string? errorText = null;
        try
        {
            var errorBody = await response.ReadBodyAsync(MaxErrorBodyBytes, cancellationToken).WaitAsync(TimeSpan.FromSeconds(1), _time, cancellationToken);
            if (response.Head.IsJson) errorText = JsonReplyAdapter.ErrorText(errorBody);
        }
        catch (Exception)
        {
        }
        response.Dispose();
        throw new UpstreamStatusException(status, retryAfter, UpstreamAuthFailure.IsAuthFailure(status, errorText));
    }

    /// <summary>
    /// One request and its response head. A pooled connection that fails before one byte of the response came back
    /// was most likely closed by the upstream while idle: the request goes again on the next one, or a new one.
    /// </summary>
    private async Task<UpstreamResponse> ExchangeAsync(UpstreamEndpoint endpoint, string path, ReadOnlyMemory<byte> body,
        (string, string?)[] headers, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = _pool.TryLease(endpoint) ?? await UpstreamConnection.OpenAsync(endpoint, _settings.ConnectTimeout, cancellationToken, CertificateValidation);
            try
            {
                await UpstreamRequestWriter.SendAsync(connection, path, body, headers, cancellationToken);
                return await UpstreamResponse.ReadAsync(connection, _pool, cancellationToken);
            }
            catch (Exception ex)
            {
                connection.Dispose();
                if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
                // A failed write, or a read that got nothing: the upstream closed the idle connection as we sent.
                if (connection.Reused && ex is UpstreamHttpException { NothingReceived: true }) continue;
                throw ex switch
                {
                    UpstreamConnectException => ex,
                    UpstreamHttpException http => new UpstreamConnectException(timedOut: false, http.Error.ToString(), ex),
                    _ => new UpstreamConnectException(timedOut: false, HttpRequestError.ConnectionError.ToString(), ex),
                };
            }
        }
    }

    public void Dispose() => _pool.Dispose();
}
