namespace Mix2Api.Actors.State;

/// <summary>Redis is down, slow or degraded; callers fall back to memory instead of failing the request.</summary>
public sealed class RedisUnavailableException(string reason, Exception? inner = null) : Exception($"Redis unavailable: {reason}", inner);
