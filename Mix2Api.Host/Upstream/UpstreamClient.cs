using System.Net;
using System.Net.Http.Headers;
using Mix2Api.Actors.Credentials;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Sends chat requests upstream over one pooled <see cref="SocketsHttpHandler"/>: keep-alive, no
/// redirects, no decompression surprises, a connect timeout; retries only before any byte came back,
/// only for connection failures and 502/503/504, with exponential backoff and jitter (SPEC §6).
/// Returns a 2xx response or throws a typed failure (<see cref="UpstreamStatusException"/>,
/// <see cref="UpstreamConnectException"/>); which exit that is, Supervision decides. A rejected credential is
/// <see cref="UpstreamStatusException.AuthRejected"/>: 401/403, or a JSON reply of any status whose error text is an
/// auth error (digest §6), so the endpoint recovers from both the same way.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Mix2ApiSettings _settings;
    private readonly TimeProvider _time;

    public UpstreamClient(Mix2ApiSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = settings.KeepAlive ? TimeSpan.FromMinutes(10) : TimeSpan.Zero,
            PooledConnectionIdleTimeout = settings.KeepAlive ? TimeSpan.FromSeconds(90) : TimeSpan.Zero,
            MaxConnectionsPerServer = int.MaxValue,
        }, disposeHandler: true);
    }

    /// <param name="route">A checked dynamic upstream base: sent through its pinned-address connection, never resolved again.</param>
    public async Task<HttpResponseMessage> SendAsync(Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, CancellationToken cancellationToken, UpstreamRoute? route = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(url, body, requestId, bearer, route, cancellationToken);
            }
            catch (Exception ex) when (attempt < _settings.RetryCount && !cancellationToken.IsCancellationRequested
                && ex is UpstreamConnectException { TimedOut: false } or UpstreamStatusException { Status: 502 or 503 or 504 })
            {
                var backoff = _settings.RetryBase * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
                await Task.Delay(backoff, _time, cancellationToken);
            }
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, UpstreamRoute? route, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version11,
            Content = new UpstreamBodyContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var h = request.Headers;
        h.TryAddWithoutValidation("accept", "text/event-stream");
        h.TryAddWithoutValidation("accept-language", _settings.AcceptLanguage);
        h.TryAddWithoutValidation("cache-control", "no-cache");
        h.TryAddWithoutValidation("x-request-id", requestId);
        if (bearer is not null) h.TryAddWithoutValidation("authorization", "Bearer " + bearer);
        if (_settings.Referer is not null) h.TryAddWithoutValidation("referer", _settings.Referer);
        if (!_settings.KeepAlive) h.ConnectionClose = true;
        if (route is not null) request.Options.Set(PinnedAddressConnector.Address, route.Address);

        HttpResponseMessage response;
        try
        {
            response = await (route?.Invoker ?? _invoker).SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsTimeout(ex))
        {
            throw new UpstreamConnectException(timedOut: true, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamConnectException(timedOut: false, ex.HttpRequestError.ToString(), ex);
        }
        // The connection keeps this request until the response ends, minutes for a stream: let go of the body (1 KB and
        // up per open stream). Whatever the handler may still be sending, it reads from its own reference.
        request.Content = null;

        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            if (!IsJson(response)) return response;
            // A JSON reply is read whole anyway; buffer it here so a 200 that says "token expired" (digest §6) is
            // recognised before anything reaches the client, and the graph reads the same bytes afterwards.
            byte[] json;
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                json = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                response.Dispose();
                throw new UpstreamReadException(ex);
            }
            if (!UpstreamAuthFailure.IsAuthFailure(status, JsonReplyAdapter.ErrorText(json))) return response;
            response.Dispose();
            throw new UpstreamStatusException(status, null, authRejected: true);
        }

        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
        // Drain a little of the error body so the connection can be reused; its content is never echoed raw.
        string? errorText = null;
        try
        {
            var errorBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(1), _time);
            if (IsJson(response)) errorText = JsonReplyAdapter.ErrorText(errorBody);
        }
        catch (Exception)
        {
        }
        response.Dispose();
        throw new UpstreamStatusException(status, retryAfter, UpstreamAuthFailure.IsAuthFailure(status, errorText));
    }

    private static bool IsJson(HttpResponseMessage response)
        => response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsTimeout(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException) return true;
        return false;
    }

    public void Dispose() => _invoker.Dispose();
}
