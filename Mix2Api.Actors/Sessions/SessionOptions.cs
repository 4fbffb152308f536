namespace Mix2Api.Actors.Sessions;

/// <summary>Session behaviour. Each property names the environment variable the host maps onto it.</summary>
public sealed record SessionOptions
{
    /// <summary>SESSION_KEY_MODE: model | auth | auth_model | auth_model_client | conversation.</summary>
    public string KeyMode { get; init; } = "conversation";

    /// <summary>SESSION_KEY_HEADER: read by the host into <see cref="SessionContext.ExplicitKey"/>.</summary>
    public string KeyHeader { get; init; } = "x-session-key";

    /// <summary>SESSION_TTL_MS: a session older than this since its last write is a new session.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMilliseconds(1_800_000);

    /// <summary>SESSION_ID_FALLBACK_TO_EXCHANGE: use the upstream's exchange id as session id when it sends no session id.</summary>
    public bool IdFallbackToExchange { get; init; }

    /// <summary>REDIS_SESSION_PREFIX: key prefix of the session journal and snapshots in Redis (a trailing ':' is ignored).</summary>
    public string KeyPrefix { get; init; } = "mix2api:session";

    /// <summary>SESSION_ENTITY_IDLE_MS: an entity with no message for this long is passivated (its state stays journaled).</summary>
    public TimeSpan EntityIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>SESSION_ASK_TIMEOUT_MS: the longest a request waits for its entity (begin and end of a turn) before it goes on without.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromMilliseconds(300);
}
