using Akka.Actor;
using Akka.DistributedData;

namespace Mix2Api.Actors.Singleton;

/// <summary>One per node: subscribes to the replicated token and keeps the node's <see cref="TokenReplica"/> current.</summary>
public sealed class TokenReplicaSubscriber : ReceiveActor
{
    public TokenReplicaSubscriber(TokenReplica replica)
    {
        Receive<Changed>(changed =>
        {
            if (changed.Key.Equals(TokenReplication.Key)) replica.Offer(changed.Get(TokenReplication.Key).Value);
        });
    }

    public static Props CreateProps(TokenReplica replica) => Props.Create(() => new TokenReplicaSubscriber(replica));

    protected override void PreStart() => DistributedData.Get(Context.System).Replicator.Tell(Dsl.Subscribe(TokenReplication.Key, Self));
}
