using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Mix2Api.Bench;

/// <summary>
/// The load generator's HTTP/1.1 client: one pooled <see cref="SocketsHttpHandler"/> with no connection
/// cap (10,000 streams are 10,000 connections), no proxy, cookies or decompression, so it adds as little
/// as possible to either side of a comparison.
/// </summary>
public sealed class LoadClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    }, disposeHandler: true);

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// Sends one request and reads the whole reply. <paramref name="onFirstChunk"/> runs once, when the
    /// first content chunk arrives (the 10,000-stream phase counts open streams with it).
    /// </summary>
    public async Task<StreamResult> RunAsync(Target target, CancellationToken ct, Action? onFirstChunk = null)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(target.Body),
            };
            request.Content.Headers.ContentType = Json;
            using var response = await _invoker.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var reader = new SseReader(target.Wire, start, onFirstChunk);
            await reader.ReadToEndAsync(body, ct);
            return reader.Result(status, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return StreamResult.Failed(e.GetType().Name + ": " + e.Message, Stopwatch.GetTimestamp() - start);
        }
    }

    public void Dispose() => _invoker.Dispose();
}
