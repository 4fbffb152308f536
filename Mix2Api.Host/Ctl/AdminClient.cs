using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mix2Api.Host.Admin;

namespace Mix2Api.Host.Ctl;

/// <summary>Talks to one node's admin endpoint; every failure becomes a <see cref="CtlException"/> with a one-line reason.</summary>
public sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(string node, string? token, TimeSpan timeout)
    {
        if (!Uri.TryCreate(node.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new CtlException($"--node '{node}' is not an http(s) URL (e.g. http://127.0.0.1:9110)");
        // The node as every message names it: without a user:password part, which would otherwise be printed.
        Node = (baseUrl.UserInfo.Length == 0 ? baseUrl : new UriBuilder(baseUrl) { UserName = "", Password = "" }.Uri).ToString().TrimEnd('/');
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        if (token is { Length: > 0 }) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string Node { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) => SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) => SendAsync<T>(HttpMethod.Post, path, body, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body, options: AdminJson.Options);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CtlException($"cannot reach the admin endpoint {Node} ({Reason(ex)}); is ADMIN_PORT set on that node?");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CtlException($"the admin endpoint {Node} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new CtlException($"{Node} refused the admin token (401): pass --token or set ADMIN_TOKEN");
            if (!response.IsSuccessStatusCode && !(response.StatusCode == HttpStatusCode.Conflict && typeof(T) == typeof(AdminActionResult)))
                throw new CtlException($"{Node}: {ErrorMessage(text) ?? response.ReasonPhrase} ({(int)response.StatusCode})");
            try
            {
                return JsonSerializer.Deserialize<T>(text, AdminJson.Options) ?? throw new CtlException($"{Node} answered an empty body");
            }
            catch (JsonException)
            {
                throw new CtlException($"{Node} did not answer admin JSON ({(int)response.StatusCode}): is this a Mix2Api admin port?");
            }
        }
    }

    private static string Reason(HttpRequestException ex)
        => ex.InnerException is System.Net.Sockets.SocketException s ? s.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();

    private static string? ErrorMessage(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
