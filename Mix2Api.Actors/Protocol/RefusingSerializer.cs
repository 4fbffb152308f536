using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace Mix2Api.Actors.Protocol;

/// <summary>
/// Bound to <c>System.Object</c> in hocon/base.conf: a message type that is neither Akka's own (bound to its
/// serializers) nor an <see cref="IMix2ApiMessage"/> never crosses the wire, in either direction. Akka's remoting
/// logs the refusal and drops the message; the sender's bounded ask then takes its fallback.
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Unique among the serializers of the actor system (Akka reserves 0–100).</summary>
    public override int Identifier => 4100;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj)
        => throw new SerializationException($"{obj.GetType().FullName} is not a Mix2Api protocol message; it may not be sent to another node");

    public override object FromBinary(byte[] bytes, Type type)
        => throw new SerializationException($"{type?.FullName ?? "an unknown type"} is not a Mix2Api protocol message; refused");
}
