namespace Mix2Api.Actors.Persistence;

/// <summary>Redis did not answer a journal or snapshot command in time, or is not connected. Never carries the password.</summary>
public sealed class RedisPersistenceUnavailableException(string reason, Exception? inner = null)
    : Exception($"Redis persistence unavailable: {reason}", inner);
