namespace Mix2Api.Actors.Persistence;

/// <summary>
/// How the Redis journal and snapshot store reach Redis and how long they keep a session's data.
/// Passed to <see cref="RedisPersistenceHostingExtensions.WithRedisPersistence"/>; the host maps its keys onto it.
/// </summary>
/// <param name="ConfigurationString">
/// <c>redis://[user:password@]host:port[/db]</c>, <c>rediss://…</c> (TLS), or a StackExchange.Redis configuration
/// string. A secret when it holds a password: never logged.
/// </param>
public sealed record RedisPersistenceSettings(string ConfigurationString)
{
    /// <summary>First segment of every key (<c>{prefix}:journal:{pid}</c>, …). Must not contain braces or spaces.</summary>
    public string KeyPrefix { get; init; } = "mix2api";

    /// <summary>
    /// Lifetime of a persistence id's keys from its last write (events or snapshot); every write refreshes it on all
    /// of them. Null or zero: no expiry.
    /// </summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Longest one Redis command may take before the journal call fails (fast, instead of hanging).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Connect timeout of one attempt; the connection keeps retrying in the background.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when a value cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConfigurationString))
            throw new ArgumentException("the Redis journal needs a Redis configuration string (REDIS_URL)", nameof(ConfigurationString));
        _ = RedisConnectionString.Parse(ConfigurationString);
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny("{} \t\r\n\"") >= 0)
            throw new ArgumentException($"the Redis journal key prefix '{KeyPrefix}' must be non-empty without braces, quotes or spaces", nameof(KeyPrefix));
        if (Ttl is { } ttl && ttl < TimeSpan.Zero)
            throw new ArgumentException("the Redis journal TTL must not be negative", nameof(Ttl));
        if (CommandTimeout <= TimeSpan.Zero)
            throw new ArgumentException("the Redis journal command timeout must be positive", nameof(CommandTimeout));
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentException("the Redis journal connect timeout must be positive", nameof(ConnectTimeout));
    }
}
