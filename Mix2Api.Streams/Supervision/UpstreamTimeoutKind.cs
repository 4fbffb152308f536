namespace Mix2Api.Streams.Supervision;

/// <summary>Which upstream deadline expired while we were waiting for it.</summary>
public enum UpstreamTimeoutKind
{
    /// <summary>No upstream byte within the first-byte timeout (connect and headers included).</summary>
    FirstByte,
    /// <summary>The upstream sent nothing for the idle timeout while we were asking for data.</summary>
    Idle,
}
