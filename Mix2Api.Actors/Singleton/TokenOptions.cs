namespace Mix2Api.Actors.Singleton;

/// <summary>Managed upstream auth (UPSTREAM_AUTH_MODE=managed). Each property names its environment variable.</summary>
public sealed record TokenOptions
{
    /// <summary>UPSTREAM_TOKEN_URL: full login URL; wins over <see cref="ApiBase"/> + <see cref="TokenPath"/>.</summary>
    public string? TokenUrl { get; init; }

    /// <summary>UPSTREAM_API_BASE: the upstream base the token path is relative to.</summary>
    public string? ApiBase { get; init; }

    /// <summary>UPSTREAM_TOKEN_PATH.</summary>
    public string TokenPath { get; init; } = "/v2/token";

    /// <summary>UPSTREAM_TOKEN_METHOD (upper-cased).</summary>
    public string Method { get; init; } = "POST";

    /// <summary>UPSTREAM_TOKEN_HEADERS_JSON: a JSON object of extra headers (merged over <c>accept: application/json</c>).</summary>
    public string HeadersJson { get; init; } = "{}";

    /// <summary>UPSTREAM_TOKEN_BODY_JSON: unset/null = no body; a JSON string = sent raw; anything else = sent as JSON.</summary>
    public string? BodyJson { get; init; }

    /// <summary>UPSTREAM_TOKEN_FIELD: where the token is; then access_token, token, id_token are tried.</summary>
    public string TokenField { get; init; } = "access_token";

    /// <summary>UPSTREAM_TOKEN_EXPIRES_IN_FIELD: seconds until expiry; then expires_in, expiresAt (ms), exp (s), the JWT's exp.</summary>
    public string ExpiresInField { get; init; } = "expires_in";

    /// <summary>UPSTREAM_TOKEN_TIMEOUT_MS: the whole login exchange.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(10_000);

    /// <summary>UPSTREAM_TOKEN_EXPIRY_SKEW_MS: a token is used only while now + skew &lt; expiry; the singleton renews at expiry − 2 × skew (<see cref="RenewalSchedule"/>).</summary>
    public TimeSpan ExpirySkew { get; init; } = TimeSpan.FromMilliseconds(60_000);

    /// <summary>UPSTREAM_AUTH_RECOVERY_RETRY: forced refresh + retry per request after an upstream auth failure (read by the host).</summary>
    public int RecoveryRetry { get; init; } = 1;

    /// <summary>TOKEN_LOGIN_BACKOFF_MS: wait after a failed login before the next one; doubles per failure.</summary>
    public TimeSpan LoginBackoff { get; init; } = TimeSpan.FromMilliseconds(1_000);

    /// <summary>TOKEN_LOGIN_BACKOFF_MAX_MS: upper bound of the doubling backoff.</summary>
    public TimeSpan LoginBackoffMax { get; init; } = TimeSpan.FromMilliseconds(30_000);

    /// <summary>
    /// Longest a node waits for the token manager singleton when it has no usable token: one login plus time for a
    /// singleton hand-over in progress (the proxy buffers meanwhile).
    /// </summary>
    public TimeSpan AskTimeout => Timeout + TimeSpan.FromSeconds(5);

    /// <summary>The login URL, or a clear configuration error.</summary>
    public Uri ResolveTokenUrl()
    {
        if (!string.IsNullOrWhiteSpace(TokenUrl)) return new Uri(TokenUrl, UriKind.Absolute);
        if (!string.IsNullOrWhiteSpace(ApiBase) && !string.IsNullOrWhiteSpace(TokenPath))
            return new Uri($"{ApiBase.TrimEnd('/')}/{TokenPath.TrimStart('/')}", UriKind.Absolute);
        throw new ArgumentException("Invalid server config: managed upstream auth requires UPSTREAM_TOKEN_URL or UPSTREAM_TOKEN_PATH (with UPSTREAM_API_BASE)");
    }
}
