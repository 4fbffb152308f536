namespace Mix2Api.Host.Hosting;

/// <summary>Keys of the actor layer: sessions, the Akka cluster, state store, managed credentials (digest §5–6 and SPEC §11 names).</summary>
public static class ActorsSettingKeys
{
    public static readonly SettingKey SessionKeyMode = new("SESSION_KEY_MODE", "Mix2Api:Sessions:KeyMode", "conversation", "model | auth | auth_model | auth_model_client | conversation (auth_model_client + a fingerprint of the conversation opening).");
    public static readonly SettingKey SessionKeyHeader = new("SESSION_KEY_HEADER", "Mix2Api:Sessions:KeyHeader", "x-session-key", "Header whose value names the session explicitly.");
    public static readonly SettingKey SessionTtl = new("SESSION_TTL_MS", "Mix2Api:Sessions:TtlMs", "1800000", "Session lifetime from its last write.");
    public static readonly SettingKey SessionFromExchange = new("SESSION_ID_FALLBACK_TO_EXCHANGE", "Mix2Api:Sessions:IdFallbackToExchange", "false", "Use the upstream exchangeId as session id when it sends no sessionId.");
    public static readonly SettingKey SessionPrefix = new("REDIS_SESSION_PREFIX", "Mix2Api:Sessions:RedisPrefix", "mix2api:session", "Redis key prefix of the session journal and snapshots.");
    public static readonly SettingKey SessionEntityIdle = new("SESSION_ENTITY_IDLE_MS", "Mix2Api:Sessions:EntityIdleMs", "120000", "Idle time after which a session entity is passivated (its state stays in the journal).");
    public static readonly SettingKey SessionAskTimeout = new("SESSION_ASK_TIMEOUT_MS", "Mix2Api:Sessions:AskTimeoutMs", "300", "Longest a request waits for its session entity (begin and end of a turn); past it the turn goes on without a session.");
    public static readonly SettingKey ClusterHostname = new("CLUSTER_HOSTNAME", "Mix2Api:Cluster:Hostname", "127.0.0.1", "Address Akka.Remote binds (loopback unless set; the port must never face an untrusted network).");
    public static readonly SettingKey ClusterPublicHostname = new("CLUSTER_PUBLIC_HOSTNAME", "Mix2Api:Cluster:PublicHostname", "CLUSTER_HOSTNAME", "Address other nodes use to reach this one (e.g. the container's service name).");
    public static readonly SettingKey ClusterPort = new("CLUSTER_PORT", "Mix2Api:Cluster:Port", "4053", "Akka.Remote port; 0 = any free port (one-node cluster only). In Development with no seeds the default is 0.");
    public static readonly SettingKey ClusterSeedNodes = new("CLUSTER_SEED_NODES", "Mix2Api:Cluster:SeedNodes", "", "Comma-separated akka.tcp://mix2api@host:port; empty = this node forms a one-node cluster by itself.");
    public static readonly SettingKey StoreMode = new("SESSION_STORE_MODE", "Mix2Api:Store:Mode", "auto", "auto (Redis iff REDIS_URL is set) | redis | memory.");
    public static readonly SettingKey RedisUrl = new("REDIS_URL", "Mix2Api:Store:RedisUrl", "", "redis://[user:password@]host:port[/db] or a StackExchange.Redis configuration string (secret if it holds a password).");
    public static readonly SettingKey RedisConnectTimeout = new("REDIS_CONNECT_TIMEOUT_MS", "Mix2Api:Store:ConnectTimeoutMs", "2000", "Redis connect timeout (background; requests never wait for it).");
    public static readonly SettingKey RedisJournalCommandTimeout = new("REDIS_JOURNAL_COMMAND_TIMEOUT_MS", "Mix2Api:Store:JournalCommandTimeoutMs", "1000", "Longest one session journal command may take before it fails (requests never wait longer than SESSION_ASK_TIMEOUT_MS).");
    public static readonly SettingKey RedisCommandTimeout = new("REDIS_COMMAND_TIMEOUT_MS", "Mix2Api:Store:CommandTimeoutMs", "250", "Longest a request waits for one Redis command before using memory.");
    public static readonly SettingKey RedisPing = new("REDIS_PING_INTERVAL_MS", "Mix2Api:Store:PingIntervalMs", "1000", "Redis health ping interval (degraded → recovered).");
    public static readonly SettingKey KeyPrefix = new("REDIS_KEY_PREFIX", "Mix2Api:Store:KeyPrefix", "mix2api", "Prefix of the Redis keys that are not session journal keys: sampled traces and the split-brain-resolver lease.");
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

    public static readonly IReadOnlyList<SettingKey> All =
    [
        SessionKeyMode, SessionKeyHeader, SessionTtl, SessionFromExchange, SessionPrefix, SessionEntityIdle, SessionAskTimeout,
        ClusterHostname, ClusterPublicHostname, ClusterPort, ClusterSeedNodes,
        StoreMode, RedisUrl, RedisConnectTimeout, RedisJournalCommandTimeout, RedisCommandTimeout, RedisPing, KeyPrefix,
        TokenUrl, TokenPath, TokenMethod, TokenHeaders, TokenBody, TokenField, TokenExpiresInField, TokenTimeout, TokenSkew,
        TokenRecovery, LoginBackoff, LoginBackoffMax,
    ];
}
