using Akka.Actor;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// A payload as Akka's serialization sees it: the serializer id, its string manifest and the bytes. Storing all three
/// means the payload's own serializer (e.g. the session state's versioned JSON) decides how it is read back, and a
/// serializer that is not bound on this node fails loudly instead of guessing.
/// </summary>
internal static class PayloadEnvelope
{
    public static void Write(BinaryWriter writer, ActorSystem system, object payload)
    {
        var serializer = system.Serialization.FindSerializerFor(payload);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, payload);
        var bytes = serializer.ToBinary(payload);
        writer.Write(serializer.Identifier);
        writer.Write(manifest);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static object Read(BinaryReader reader, ActorSystem system)
    {
        var serializerId = reader.ReadInt32();
        var manifest = reader.ReadString();
        var length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new InvalidDataException("truncated payload");
        return system.Serialization.Deserialize(bytes, serializerId, manifest);
    }
}
