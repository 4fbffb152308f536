namespace Mix2Api.Actors.Hosting;

/// <summary>Where state lives. Each property names its environment variable.</summary>
public sealed record StoreOptions
{
    /// <summary>SESSION_STORE_MODE: auto (Redis iff REDIS_URL is set) | redis | memory.</summary>
    public string Mode { get; init; } = "auto";

    /// <summary>REDIS_URL: <c>redis://[:password@]host:port[/db]</c>, <c>rediss://…</c>, or a StackExchange.Redis config string.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>REDIS_CONNECT_TIMEOUT_MS: connect and ping timeout of the background connection loop.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(2_000);

    /// <summary>REDIS_COMMAND_TIMEOUT_MS: the longest any request waits for one Redis command before using memory.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>REDIS_JOURNAL_COMMAND_TIMEOUT_MS: the longest one session journal write or read may take before it fails
    /// (requests never wait on it longer than SESSION_ASK_TIMEOUT_MS; a too-short value fails writes on a busy node).</summary>
    public TimeSpan JournalCommandTimeout { get; init; } = TimeSpan.FromMilliseconds(1_000);

    /// <summary>REDIS_PING_INTERVAL_MS: health ping; a degraded store is retried this often.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMilliseconds(1_000);

    /// <summary>True when Redis is expected (the health <c>mode</c> is then <c>redis</c>).</summary>
    public bool UseRedis => Mode switch
    {
        "redis" => true,
        "auto" => !string.IsNullOrWhiteSpace(RedisUrl),
        _ => false,
    };
}
