namespace Mix2Api.Host.Hosting;

/// <summary>Keys of the actor layer: sessions, state store, managed credentials, membership (digest §5–6 names).</summary>
public static class ActorsSettingKeys
{
    public static readonly SettingKey SessionKeyMode = new("SESSION_KEY_MODE", "Mix2Api:Sessions:KeyMode", "conversation", "model | auth | auth_model | auth_model_client | conversation (auth_model_client + a fingerprint of the conversation opening).");
    public static readonly SettingKey SessionKeyHeader = new("SESSION_KEY_HEADER", "Mix2Api:Sessions:KeyHeader", "x-session-key", "Header whose value names the session explicitly.");
    public static readonly SettingKey SessionTtl = new("SESSION_TTL_MS", "Mix2Api:Sessions:TtlMs", "1800000", "Session lifetime from its last write.");
    public static readonly SettingKey SessionFromExchange = new("SESSION_ID_FALLBACK_TO_EXCHANGE", "Mix2Api:Sessions:IdFallbackToExchange", "false", "Use the upstream exchangeId as session id when it sends no sessionId.");
    public static readonly SettingKey SessionPrefix = new("REDIS_SESSION_PREFIX", "Mix2Api:Sessions:RedisPrefix", "mix2api:session", "Redis key prefix of session records.");
    public static readonly SettingKey SessionEntityIdle = new("SESSION_ENTITY_IDLE_MS", "Mix2Api:Sessions:EntityIdleMs", "120000", "Idle time after which a session entity is passivated (its record stays in the store).");
    public static readonly SettingKey SessionCasAttempts = new("SESSION_CAS_MAX_ATTEMPTS", "Mix2Api:Sessions:CasMaxAttempts", "50", "Compare-and-set retries of one session update across nodes.");
    public static readonly SettingKey StoreMode = new("SESSION_STORE_MODE", "Mix2Api:Store:Mode", "auto", "auto (Redis iff REDIS_URL is set) | redis | memory.");
    public static readonly SettingKey RedisUrl = new("REDIS_URL", "Mix2Api:Store:RedisUrl", "", "redis://[user:password@]host:port[/db] or a StackExchange.Redis configuration string (secret if it holds a password).");
    public static readonly SettingKey RedisConnectTimeout = new("REDIS_CONNECT_TIMEOUT_MS", "Mix2Api:Store:ConnectTimeoutMs", "2000", "Redis connect timeout (background; requests never wait for it).");
    public static readonly SettingKey RedisCommandTimeout = new("REDIS_COMMAND_TIMEOUT_MS", "Mix2Api:Store:CommandTimeoutMs", "250", "Longest a request waits for one Redis command before using memory.");
    public static readonly SettingKey RedisPing = new("REDIS_PING_INTERVAL_MS", "Mix2Api:Store:PingIntervalMs", "1000", "Redis health ping interval (degraded → recovered).");
    public static readonly SettingKey MemoryMaxEntries = new("SESSION_MEMORY_MAX_ENTRIES", "Mix2Api:Store:MemoryMaxEntries", "100000", "Bound of the in-memory store.");
    public static readonly SettingKey MemorySweep = new("SESSION_MEMORY_SWEEP_MS", "Mix2Api:Store:MemorySweepMs", "60000", "Sweep interval of expired in-memory records.");
    public static readonly SettingKey KeyPrefix = new("REDIS_KEY_PREFIX", "Mix2Api:Store:KeyPrefix", "mix2api", "Prefix of the membership keys.");
    public static readonly SettingKey TokenUrl = new("UPSTREAM_TOKEN_URL", "Mix2Api:Token:Url", "", "Managed auth: login URL (default UPSTREAM_API_BASE + UPSTREAM_TOKEN_PATH).");
    public static readonly SettingKey TokenPath = new("UPSTREAM_TOKEN_PATH", "Mix2Api:Token:Path", "/v2/token", "Managed auth: login path under UPSTREAM_API_BASE.");
    public static readonly SettingKey TokenMethod = new("UPSTREAM_TOKEN_METHOD", "Mix2Api:Token:Method", "POST", "Managed auth: login HTTP method.");
    public static readonly SettingKey TokenHeaders = new("UPSTREAM_TOKEN_HEADERS_JSON", "Mix2Api:Token:HeadersJson", "{}", "Managed auth: extra login headers as a JSON object (secret).");
    public static readonly SettingKey TokenBody = new("UPSTREAM_TOKEN_BODY_JSON", "Mix2Api:Token:BodyJson", "", "Managed auth: login body as JSON (a JSON string is sent raw) (secret).");
    public static readonly SettingKey TokenField = new("UPSTREAM_TOKEN_FIELD", "Mix2Api:Token:Field", "access_token", "Managed auth: token field of the login reply (then access_token, token, id_token).");
    public static readonly SettingKey TokenExpiresInField = new("UPSTREAM_TOKEN_EXPIRES_IN_FIELD", "Mix2Api:Token:ExpiresInField", "expires_in", "Managed auth: lifetime field (seconds) of the login reply.");
    public static readonly SettingKey TokenTimeout = new("UPSTREAM_TOKEN_TIMEOUT_MS", "Mix2Api:Token:TimeoutMs", "10000", "Managed auth: login timeout.");
    public static readonly SettingKey TokenSkew = new("UPSTREAM_TOKEN_EXPIRY_SKEW_MS", "Mix2Api:Token:ExpirySkewMs", "60000", "Managed auth: renew this long before expiry.");
    public static readonly SettingKey TokenRecovery = new("UPSTREAM_AUTH_RECOVERY_RETRY", "Mix2Api:Token:RecoveryRetry", "1", "Forced refreshes (each followed by one retry) after an upstream 401/403.");
    public static readonly SettingKey LoginBackoff = new("TOKEN_LOGIN_BACKOFF_MS", "Mix2Api:Token:LoginBackoffMs", "1000", "Managed auth: first backoff after a failed login (doubles).");
    public static readonly SettingKey LoginBackoffMax = new("TOKEN_LOGIN_BACKOFF_MAX_MS", "Mix2Api:Token:LoginBackoffMaxMs", "30000", "Managed auth: longest backoff after failed logins.");
    public static readonly SettingKey NodeVersion = new("NODE_VERSION", "Mix2Api:Node:Version", "<assembly version>", "Version this node reports in membership.");
    public static readonly SettingKey MemberHeartbeat = new("MEMBER_HEARTBEAT_MS", "Mix2Api:Node:HeartbeatMs", "5000", "Membership heartbeat; must be < MEMBER_TTL_MS / 2.");
    public static readonly SettingKey MemberTtl = new("MEMBER_TTL_MS", "Mix2Api:Node:TtlMs", "15000", "A node that stops heartbeating drops out after this.");

    public static readonly IReadOnlyList<SettingKey> All =
    [
        SessionKeyMode, SessionKeyHeader, SessionTtl, SessionFromExchange, SessionPrefix, SessionEntityIdle, SessionCasAttempts,
        StoreMode, RedisUrl, RedisConnectTimeout, RedisCommandTimeout, RedisPing, MemoryMaxEntries, MemorySweep, KeyPrefix,
        TokenUrl, TokenPath, TokenMethod, TokenHeaders, TokenBody, TokenField, TokenExpiresInField, TokenTimeout, TokenSkew,
        TokenRecovery, LoginBackoff, LoginBackoffMax, NodeVersion, MemberHeartbeat, MemberTtl,
    ];
}
