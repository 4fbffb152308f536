namespace Mix2Api.Actors.Sessions;

/// <summary>
/// A turn without session state: a new upstream session, the history carried in the query, nothing
/// journaled. What <see cref="NoSessionRegion"/> always gives, and the region's fallback when an entity
/// cannot be reached.
/// </summary>
internal sealed class StatelessTurn(string? keyFingerprint) : ISessionTurn
{
    public string? SessionId => null;
    public string? ExchangeId => null;
    public bool CarryHistory => true;
    public int SeenMessageCount => 0;
    public string? KeyFingerprint => keyFingerprint;
    public void OnUpstreamIds(string? sessionId, string? exchangeId) { }
    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
