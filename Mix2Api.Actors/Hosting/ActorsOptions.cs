using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;

namespace Mix2Api.Actors.Hosting;

/// <summary>Everything Mix2Api.Actors needs; the host maps environment variables onto it (names on each property).</summary>
public sealed record ActorsOptions
{
    /// <summary>UPSTREAM_AUTH_MODE: none | static | pass_through | managed (lower-cased).</summary>
    public string UpstreamAuthMode { get; init; } = "static";

    /// <summary>UPSTREAM_BEARER_TOKEN: the token of mode static.</summary>
    public string? UpstreamBearerToken { get; init; }

    /// <summary>REDIS_KEY_PREFIX: prefix of the Redis keys that are not session journal keys (traces, the split brain lease).</summary>
    public string KeyPrefix { get; init; } = "mix2api";

    public SessionOptions Sessions { get; init; } = new();
    public StoreOptions Store { get; init; } = new();
    public TokenOptions Token { get; init; } = new();
    public ClusterNodeOptions Cluster { get; init; } = new();

    public bool ManagedAuth => UpstreamAuthMode.Equals("managed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reject a configuration that cannot work, with the env var to fix in the message.</summary>
    public ActorsOptions Validate()
    {
        if (!SessionKey.Modes.Contains(Sessions.KeyMode))
            throw new ArgumentException($"Invalid SESSION_KEY_MODE '{Sessions.KeyMode}': expected one of {string.Join(", ", SessionKey.Modes)}");
        if (Store.Mode is not ("auto" or "redis" or "memory"))
            throw new ArgumentException($"Invalid SESSION_STORE_MODE '{Store.Mode}': expected auto, redis or memory");
        if (Store.Mode == "redis" && string.IsNullOrWhiteSpace(Store.RedisUrl))
            throw new ArgumentException("SESSION_STORE_MODE=redis requires REDIS_URL");
        if (Store.CommandTimeout <= TimeSpan.Zero || Store.ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentException("REDIS_COMMAND_TIMEOUT_MS and REDIS_CONNECT_TIMEOUT_MS must be positive");
        if (Sessions.Ttl <= TimeSpan.Zero) throw new ArgumentException("SESSION_TTL_MS must be positive");
        if (Sessions.AskTimeout <= TimeSpan.Zero) throw new ArgumentException("SESSION_ASK_TIMEOUT_MS must be positive");
        if (Cluster.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        if (ManagedAuth) _ = Token.ResolveTokenUrl();
        if (Token.LoginBackoff <= TimeSpan.Zero || Token.LoginBackoffMax < Token.LoginBackoff)
            throw new ArgumentException("TOKEN_LOGIN_BACKOFF_MS must be positive and not above TOKEN_LOGIN_BACKOFF_MAX_MS");
        return this;
    }
}
