namespace Mix2Api.Streams.Sse;

/// <summary>Who cancelled a request: the answer decides between client_abort, timeout and shutdown.</summary>
public enum DeadlineCause
{
    None,
    /// <summary>The client connection went away.</summary>
    Client,
    /// <summary>No upstream byte arrived within the first-byte timeout.</summary>
    FirstByte,
    /// <summary>The upstream sent nothing for the idle timeout while we were waiting for it.</summary>
    Idle,
    /// <summary>The whole request exceeded the total timeout.</summary>
    Total,
    /// <summary>The node is shutting down and the drain period is over.</summary>
    Shutdown,
}
