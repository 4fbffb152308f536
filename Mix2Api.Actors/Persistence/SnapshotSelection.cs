using Akka.Persistence;

namespace Mix2Api.Actors.Persistence;

/// <summary>Which stored snapshots a <see cref="SnapshotSelectionCriteria"/> or a delete by metadata names (both snapshot stores).</summary>
internal static class SnapshotSelection
{
    public static bool Matches(SnapshotSelectionCriteria criteria, SnapshotMetadata metadata) =>
        metadata.SequenceNr >= criteria.MinSequenceNr && metadata.SequenceNr <= criteria.MaxSequenceNr &&
        metadata.Timestamp <= criteria.MaxTimeStamp && metadata.Timestamp >= (criteria.MinTimestamp ?? DateTime.MinValue);

    /// <summary>The snapshot a delete by metadata names: its sequence nr, and no newer than its timestamp if it has one.</summary>
    public static SnapshotSelectionCriteria Of(SnapshotMetadata metadata) => metadata.Timestamp == DateTime.MinValue
        ? new SnapshotSelectionCriteria(metadata.SequenceNr, DateTime.MaxValue, metadata.SequenceNr)
        : new SnapshotSelectionCriteria(metadata.SequenceNr, metadata.Timestamp, metadata.SequenceNr);
}
