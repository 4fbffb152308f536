using Akka.Cluster;
using Akka.DistributedData;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// Where the current token lives in Akka.DistributedData: one last-writer-wins register under "upstream-token"
/// whose timestamp is the token's generation, so merging replicas always keeps the newest login, whatever the
/// order gossip delivers them in.
/// </summary>
public static class TokenReplication
{
    public static readonly LWWRegisterKey<TokenRecord> Key = new("upstream-token");

    public static LWWRegister<TokenRecord> Register(UniqueAddress node, TokenRecord token) => new(node, token, token.Generation);

    /// <summary>The update message: merge <paramref name="token"/> into whatever the replica holds.</summary>
    public static Update Publish(UniqueAddress node, TokenRecord token, IWriteConsistency consistency)
    {
        var register = Register(node, token);
        return Dsl.Update(Key, register, consistency, existing => existing.Merge(register));
    }
}
