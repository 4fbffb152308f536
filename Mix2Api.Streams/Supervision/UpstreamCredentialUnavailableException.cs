namespace Mix2Api.Streams.Supervision;

/// <summary>No upstream credential could be obtained (managed login failed).</summary>
public sealed class UpstreamCredentialUnavailableException(Exception? inner = null)
    : Exception("no upstream credential is available", inner);
