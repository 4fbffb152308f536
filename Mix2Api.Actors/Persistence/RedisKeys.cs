using StackExchange.Redis;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Key layout of one persistence id. The id sits in braces, a Redis Cluster hash tag, so all keys of one id share a
/// slot and one script may touch them together; the kinds are separate namespaces so no id can collide with another
/// id's key (an id ending in <c>:highest</c> included).
/// <code>
///   {prefix}:journal:{pid}   sorted set: event envelopes scored by sequence nr
///   {prefix}:highest:{pid}   string: highest sequence nr ever written (kept when events are deleted)
///   {prefix}:snapshot:{pid}  sorted set: snapshot envelopes scored by sequence nr (one per sequence nr)
/// </code>
/// </summary>
internal readonly struct RedisKeys
{
    public RedisKeys(string prefix, string persistenceId)
    {
        Journal = $"{prefix}:journal:{{{persistenceId}}}";
        Highest = $"{prefix}:highest:{{{persistenceId}}}";
        Snapshot = $"{prefix}:snapshot:{{{persistenceId}}}";
    }

    public RedisKey Journal { get; }
    public RedisKey Highest { get; }
    public RedisKey Snapshot { get; }

    /// <summary>Every key of the persistence id, in the order the scripts expect them.</summary>
    public RedisKey[] All => [Journal, Highest, Snapshot];
}
