using Akka.Cluster.Sharding;

namespace Mix2Api.Actors.Sessions;

/// <summary>Routes session messages by the key they carry: entity id = session key, shard = its hash.</summary>
public sealed class SessionMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    /// <summary>Enough shards to spread over a few nodes; it must be the same on every node of the cluster.</summary>
    public const int DefaultMaxShards = 50;

    public SessionMessageExtractor() : this(DefaultMaxShards) { }

    public override string? EntityId(object message) => message is ISessionMessage m ? m.SessionKey : null;
}
