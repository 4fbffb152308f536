namespace Mix2Api.Actors.Sessions;

/// <summary>Stateless region: every turn starts a new upstream session and carries the history.</summary>
public sealed class NoSessionRegion : ISessionRegion
{
    public ValueTask<ISessionTurn> BeginTurnAsync(SessionContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult<ISessionTurn>(new Turn());

    private sealed class Turn : ISessionTurn
    {
        public string? SessionId => null;
        public string? ExchangeId => null;
        public bool CarryHistory => true;
        public int SeenMessageCount => 0;
        public string? KeyFingerprint => null;
        public void OnUpstreamIds(string? sessionId, string? exchangeId) { }
        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
