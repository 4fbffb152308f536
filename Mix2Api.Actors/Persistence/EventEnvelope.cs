using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Binary form of one journaled event (a sorted-set member): format version, sequence nr (which also makes every
/// member unique), timestamp, writer guid, the event's manifest, then the payload as <see cref="PayloadEnvelope"/>.
/// </summary>
internal static class EventEnvelope
{
    private const byte Version = 1;

    public static byte[] ToBytes(ActorSystem system, IPersistentRepresentation persistent, long timestamp)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Version);
            writer.Write(persistent.SequenceNr);
            writer.Write(timestamp);
            writer.Write(persistent.WriterGuid ?? "");
            writer.Write(persistent.Manifest ?? "");
            // Tags are for persistence queries, which this journal does not serve: store the event itself.
            PayloadEnvelope.Write(writer, system, persistent.Payload is Tagged tagged ? tagged.Payload : persistent.Payload);
        }
        return buffer.ToArray();
    }

    public static Persistent FromBytes(ActorSystem system, string persistenceId, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var version = reader.ReadByte();
        if (version != Version) throw new InvalidDataException($"unknown journal event format {version}");
        var sequenceNr = reader.ReadInt64();
        var timestamp = reader.ReadInt64();
        var writerGuid = reader.ReadString();
        var manifest = reader.ReadString();
        var payload = PayloadEnvelope.Read(reader, system);
        return new Persistent(payload, sequenceNr, persistenceId, manifest, false, ActorRefs.NoSender, writerGuid, timestamp);
    }
}
