namespace Mix2Api.Streams.Supervision;

/// <summary>Writing to the client failed or found its connection closed.</summary>
public sealed class ClientWriteFailedException(Exception? inner = null)
    : IOException("writing to the client failed", inner);
