using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mix2Api.Actors.Credentials;

namespace Mix2Api.Actors.Singleton;

/// <summary>The upstream login itself (digest §6): one HTTP exchange under UPSTREAM_TOKEN_TIMEOUT_MS.</summary>
public sealed class TokenFetcher(TokenOptions options, HttpClient http, TimeProvider time)
{
    private static readonly string[] FallbackFields = ["access_token", "token", "id_token"];

    public sealed record Fetched(string Token, DateTimeOffset? ExpiresAt);

    /// <summary>Log in; every failure is an <see cref="UpstreamCredentialException"/> whose message holds no secret.</summary>
    public async Task<Fetched> LoginAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = BuildRequest();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new UpstreamCredentialException($"Managed upstream token fetch failed: Upstream token request failed: {(int)response.StatusCode} {response.ReasonPhrase}");
            using var payload = JsonDocument.Parse(text.Length == 0 ? "null" : text);
            var token = ReadToken(payload.RootElement)
                ?? throw new UpstreamCredentialException($"Managed upstream token fetch failed: Upstream token response missing token field: {options.TokenField}");
            return new Fetched(token, TokenExpiry.Derive(payload.RootElement, token, options.ExpiresInField, time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamCredentialException($"Managed upstream token fetch failed: timed out after {options.Timeout.TotalMilliseconds} ms");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            throw new UpstreamCredentialException($"Managed upstream token fetch failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private HttpRequestMessage BuildRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(options.Method.ToUpperInvariant()), options.ResolveTokenUrl());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        string? contentType = null;
        using (var headers = JsonDocument.Parse(string.IsNullOrWhiteSpace(options.HeadersJson) ? "{}" : options.HeadersJson))
        {
            if (headers.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headers.RootElement.EnumerateObject())
                {
                    var value = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
                    if (header.Name.Equals("content-type", StringComparison.OrdinalIgnoreCase)) contentType = value;
                    else if (header.Name.Equals("accept", StringComparison.OrdinalIgnoreCase)) { request.Headers.Accept.Clear(); request.Headers.TryAddWithoutValidation("accept", value); }
                    else request.Headers.TryAddWithoutValidation(header.Name, value);
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(options.BodyJson))
        {
            using var body = JsonDocument.Parse(options.BodyJson);
            if (body.RootElement.ValueKind == JsonValueKind.String)
                request.Content = new StringContent(body.RootElement.GetString()!, Encoding.UTF8);
            else if (body.RootElement.ValueKind != JsonValueKind.Null)
                request.Content = new StringContent(body.RootElement.GetRawText(), Encoding.UTF8, "application/json");
            if (request.Content is not null && contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return request;
    }

    private string? ReadToken(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object) return null;
        foreach (var field in FallbackFields.Prepend(options.TokenField))
        {
            if (payload.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } token)
                return token;
        }
        return null;
    }
}
