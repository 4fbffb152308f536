using Akka.Actor;
using Akka.Persistence;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Binary form of one snapshot (a sorted-set member): format version, sequence nr, timestamp ticks (UTC), then the
/// snapshot as <see cref="PayloadEnvelope"/>. The metadata is read on its own, without the payload, for deletes.
/// </summary>
internal static class SnapshotEnvelope
{
    private const byte Version = 1;

    public static byte[] ToBytes(ActorSystem system, SnapshotMetadata metadata, object snapshot)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Version);
            writer.Write(metadata.SequenceNr);
            writer.Write(metadata.Timestamp.Ticks);
            PayloadEnvelope.Write(writer, system, snapshot);
        }
        return buffer.ToArray();
    }

    public static SnapshotMetadata ReadMetadata(string persistenceId, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return ReadMetadata(persistenceId, reader);
    }

    public static SelectedSnapshot FromBytes(ActorSystem system, string persistenceId, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var metadata = ReadMetadata(persistenceId, reader);
        return new SelectedSnapshot(metadata, PayloadEnvelope.Read(reader, system));
    }

    private static SnapshotMetadata ReadMetadata(string persistenceId, BinaryReader reader)
    {
        var version = reader.ReadByte();
        if (version != Version) throw new InvalidDataException($"unknown snapshot format {version}");
        var sequenceNr = reader.ReadInt64();
        var timestamp = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
        return new SnapshotMetadata(persistenceId, sequenceNr, timestamp);
    }
}
