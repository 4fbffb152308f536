using System.Net;
using System.Net.Http.Headers;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Sse;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Sends chat requests upstream over one pooled <see cref="SocketsHttpHandler"/>: keep-alive, no
/// redirects, no decompression surprises, a connect timeout; retries only before any byte came back,
/// only for connection failures and 502/503/504, with exponential backoff and jitter (SPEC §6).
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
    public async Task<UpstreamCallResult> SendAsync(Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, RequestDeadlines deadlines, UpstreamRoute? route = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await SendOnceAsync(url, body, requestId, bearer, deadlines, route);
            var retryable = result.Failure == StreamExit.UpstreamConnectFailed
                || (result.Failure == StreamExit.UpstreamHttpError && result.Status is 502 or 503 or 504);
            if (!retryable || attempt >= _settings.RetryCount || deadlines.Token.IsCancellationRequested) return result;
            var backoff = _settings.RetryBase * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(backoff, _time, deadlines.Token);
        }
    }

    private async Task<UpstreamCallResult> SendOnceAsync(Uri url, ReadOnlyMemory<byte> body, string requestId,
        string? bearer, RequestDeadlines deadlines, UpstreamRoute? route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version11,
            Content = new ReadOnlyMemoryContent(body),
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
            response = await (route?.Invoker ?? _invoker).SendAsync(request, deadlines.Token);
        }
        catch (OperationCanceledException) when (deadlines.Cause != DeadlineCause.None)
        {
            throw;
        }
        catch (Exception ex) when (IsTimeout(ex))
        {
            return new UpstreamCallResult(null, StreamExit.UpstreamConnectTimedOut, null, null);
        }
        catch (HttpRequestException ex)
        {
            return new UpstreamCallResult(null, StreamExit.UpstreamConnectFailed, null, ex.HttpRequestError.ToString());
        }

        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return new UpstreamCallResult(response, null, status, null);

        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
        // Drain a little of the error body so the connection can be reused; its content is never echoed raw.
        try
        {
            await response.Content.ReadAsByteArrayAsync(deadlines.Token).WaitAsync(TimeSpan.FromSeconds(1), _time);
        }
        catch (Exception)
        {
        }
        response.Dispose();
        var exit = status switch
        {
            401 or 403 => StreamExit.UpstreamAuthRejected,
            429 => StreamExit.UpstreamRateLimited,
            _ => StreamExit.UpstreamHttpError,
        };
        return new UpstreamCallResult(null, exit, status, $"HTTP {status}") { RetryAfter = retryAfter };
    }

    private static bool IsTimeout(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException) return true;
        return false;
    }

    public void Dispose() => _invoker.Dispose();
}
